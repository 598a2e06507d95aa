package ca.eazybackup.e3.agent.tray;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.nas.mount.WindowsDrive;
import ca.eazybackup.e3.shims.WindowsKeys;
import ca.eazybackup.e3.shims.sim.NetworkDrive;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tray helper maps the elevated service's drives in the user's own session, where Explorer sees
 * them, and removes them once the service stops serving them - never the user's own drives.
 */
class UserDriveMapperTest {
  private static final String URL = "http://127.0.0.1:4711/";

  @TempDir Path dir;

  private SimulatedWindowsHost host(boolean elevated) {
    return SimulatedWindowsHost.builder(dir.resolve("win")).elevated(elevated).build();
  }

  private NetworkDrive drive(char letter) throws Exception {
    return host(false).networkDrives().stream()
        .filter(d -> d.letter() == letter)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void anElevatedServiceCannotShowExplorerItsMappingsUnlessSessionsAreLinked() throws Exception {
    assertThat(new WindowsDrive(host(false)).mappingsVisibleToExplorer()).isTrue();
    assertThat(new WindowsDrive(host(true)).mappingsVisibleToExplorer()).isFalse();
    host(true)
        .registry()
        .setDword(WindowsKeys.POLICIES_SYSTEM, WindowsKeys.ENABLE_LINKED_CONNECTIONS, 1);
    assertThat(new WindowsDrive(host(true)).mappingsVisibleToExplorer()).isTrue();
  }

  @Test
  void servedDrivesAreMappedInTheUsersSessionAndRemovedWhenNoLongerServed() throws Exception {
    host(true).services().start(WindowsKeys.WEBCLIENT_SERVICE); // the service starts it
    UserDriveMapper mapper = new UserDriveMapper(host(false));

    List<String> changes =
        mapper.apply(List.of(new AgentStatus.Drive("T:", URL, "Cloud NAS (b)", true)));
    assertThat(changes).containsExactly("drive T: mapped to " + URL + " in this session");
    assertThat(host(false).explorerView().shows('T')).isTrue();
    assertThat(host(false).explorerView().needsRefresh()).isEmpty();
    assertThat(drive('T').session()).isEqualTo("standard");
    assertThat(drive('T').label()).isEqualTo("Cloud NAS (b)");

    assertThat(mapper.apply(List.of(new AgentStatus.Drive("T:", URL, "Cloud NAS (b)", true))))
        .isEmpty(); // already there

    // A helper started later (no memory) still removes what the service released.
    UserDriveMapper later = new UserDriveMapper(host(false));
    assertThat(later.apply(List.of(new AgentStatus.Drive("T:", URL, "Cloud NAS (b)", false))))
        .containsExactly("drive T: removed (no longer served)");
    assertThat(host(false).explorerView().shows('T')).isFalse();
  }

  @Test
  void theUsersOwnDriveOnTheLetterIsLeftAloneAndReported() throws Exception {
    Files.createDirectories(dir.resolve("win/shares/fileserver/docs"));
    host(false).drives().map('T', "\\\\fileserver\\docs", true);
    host(true).services().start(WindowsKeys.WEBCLIENT_SERVICE);
    UserDriveMapper mapper = new UserDriveMapper(host(false));

    List<String> changes =
        mapper.apply(List.of(new AgentStatus.Drive("T:", URL, "Cloud NAS (b)", true)));
    assertThat(changes).singleElement().asString().contains("already mapped to");
    assertThat(mapper.apply(List.of(new AgentStatus.Drive("T:", URL, "x", false)))).isEmpty();
    assertThat(drive('T').remote()).isEqualTo("\\\\fileserver\\docs");
  }
}
