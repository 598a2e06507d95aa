package ca.eazybackup.e3.shims.sim;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.shims.DriveUse;
import ca.eazybackup.e3.shims.WindowsKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the Cloud NAS mount asks of the host before and after mapping a drive. */
class SimDriveProbeTest {
  @TempDir Path root;

  @Test
  void probeTellsLocalMappedAndFreeLettersApartInThisSessionOnly() throws Exception {
    Files.createDirectories(root.resolve("shares/fs/docs"));
    SimulatedWindowsHost standard = SimulatedWindowsHost.builder(root).webClient("running").build();
    SimulatedWindowsHost elevated = SimulatedWindowsHost.builder(root).elevated(true).build();
    standard.drives().map('Z', "\\\\fs\\docs", false);
    elevated.drives().map('Q', "http://127.0.0.1:4000/abc/", false);

    assertThat(standard.drives().probe('c'))
        .isEqualTo(new DriveUse('C', DriveUse.Kind.LOCAL, null));
    assertThat(standard.drives().probe('Z'))
        .isEqualTo(new DriveUse('Z', DriveUse.Kind.NETWORK, "\\\\fs\\docs"));
    assertThat(standard.drives().probe('Z').isLoopbackWebDav()).isFalse();
    // The elevated process's drive is not in the standard session: the letter is free there.
    assertThat(standard.drives().probe('Q').kind()).isEqualTo(DriveUse.Kind.FREE);
    assertThat(elevated.drives().probe('Q').isLoopbackWebDav()).isTrue();
  }

  @Test
  void networkDrivesShowLabelOwnerAndWhetherExplorerWasTold() throws Exception {
    Path journal = root.resolve("j.jsonl");
    SimulatedWindowsHost host =
        SimulatedWindowsHost.builder(root).journal(journal).webClient("running").build();
    String url = "http://127.0.0.1:4000/cap123/";
    host.drives().map('Y', url, false);
    host.registry()
        .setString(WindowsKeys.mountPointKey(url), WindowsKeys.LABEL_FROM_REG, "Cloud NAS (b)");

    NetworkDrive before = host.networkDrives().get(0);
    assertThat(before.label()).isEqualTo("Cloud NAS (b)");
    assertThat(before.unc()).isEqualTo("\\\\127.0.0.1@4000\\DavWWWRoot\\cap123");
    assertThat(before.session()).isEqualTo("standard");
    assertThat(before.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(before.announced()).isFalse();

    host.shell().driveAdded('Y');
    host.shell().open('Y');
    assertThat(host.networkDrives().get(0).announced()).isTrue();
    assertThat(SimulatedWindowsHost.readJournal(journal))
        .extracting(m -> m.get("op"))
        .containsSubsequence("drive.map", "shell.drive_added", "shell.open");
  }
}
