package ca.eazybackup.e3.shims.jna;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.shims.ShadowCopies;
import ca.eazybackup.e3.shims.ShadowCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A real VSS shadow copy of C:\ through WMI Win32_ShadowCopy: created, read, released. */
@EnabledOnOs(
    value = OS.WINDOWS,
    disabledReason = "real VSS (elevated): runs in the windows.yml job")
class RealShadowCopyTest {
  @TempDir Path dir;

  @Test
  void aShadowOfTheSystemVolumeIsReadableAndGoneAfterRelease() throws Exception {
    ShadowCopies vss = new JnaWindowsHost().shadowCopies();
    Path live = Files.writeString(dir.resolve("before.txt"), "in the shadow");

    java.time.Instant requested = java.time.Instant.now().minusSeconds(1);
    ShadowCopy shadow = vss.create("C:\\", dir.resolve("shadows"), Duration.ofMinutes(3));
    try {
      assertThat(vss.list()).contains(shadow.id());
      // What the agent's ledger finds a killed run's copy by: volume as a drive root, InstallDate.
      assertThat(vss.shadows())
          .filteredOn(s -> s.id().equalsIgnoreCase(shadow.id()))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.volume()).isEqualToIgnoringCase("C:\\");
                assertThat(s.created()).isAfterOrEqualTo(requested);
              });
      Files.writeString(live, "changed after the shadow was taken");
      assertThat(Files.readString(shadow.translate(live))).isEqualTo("in the shadow");
    } finally {
      vss.release(shadow);
    }
    assertThat(vss.list()).doesNotContain(shadow.id());
  }
}
