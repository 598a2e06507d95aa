package ca.eazybackup.e3.shims.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.EventLog;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.VolumeInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Win32 calls behind the shims, each written and read back: registry, DPAPI, the file's
 * ACL, the Application log, volumes. They run in {@code .github/workflows/windows.yml}; everywhere
 * else the simulated host's tests cover the same interfaces.
 */
@EnabledOnOs(
    value = OS.WINDOWS,
    disabledReason = "real Win32 (Advapi32, Crypt32, Kernel32): runs in the windows.yml job")
class RealWin32RoundTripTest {
  private final JnaWindowsHost host = new JnaWindowsHost();

  @Test
  void registryValuesRoundTripUnderHkcu() throws Exception {
    String key = "HKCU\\Software\\E3BackupTest\\" + UUID.randomUUID();
    host.registry().setString(key, "Label", "Backups ünïcode");
    host.registry().setDword(key, "Limit", 0xFFFFFFFE);

    assertThat(host.registry().getString(key, "Label")).contains("Backups ünïcode");
    assertThat(host.registry().getDword(key, "Limit")).contains(0xFFFFFFFE);
    host.registry().deleteValue(key, "Label");
    assertThat(host.registry().getString(key, "Label")).isEmpty();
  }

  @Test
  void dpapiMachineScopeRoundTripsAndRefusesGarbage() throws Exception {
    byte[] token = "agent-token-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    byte[] blob = host.dataProtection().protect(token);

    assertThat(blob).isNotEqualTo(token);
    assertThat(new String(blob, StandardCharsets.ISO_8859_1)).doesNotContain("agent-token");
    assertThat(host.dataProtection().unprotect(blob)).isEqualTo(token);
    assertThatThrownBy(() -> host.dataProtection().unprotect(new byte[] {1, 2, 3}))
        .isInstanceOf(ShimException.class);
  }

  @Test
  void aRestrictedFileHasNoOtherReaders(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("agent.conf"), "AgentToken=x\n");
    assertThat(host.fileProtection().otherReaders(file)).isNotEmpty(); // inherits the user's ACL

    host.fileProtection().restrictToAdministrators(file);

    assertThat(host.fileProtection().otherReaders(file)).isEmpty();
  }

  @Test
  void anEventWrittenToTheApplicationLogIsReadBack() throws Exception {
    EventLog log = host.eventLog("E3BackupAgentTest");
    String marker = "run.finished run_id=1 status=success marker=" + UUID.randomUUID();

    log.report(EventLog.Level.WARNING, 4, marker);

    assertThat(log.newest(20))
        .anySatisfy(
            e -> {
              assertThat(e.message()).isEqualTo(marker);
              assertThat(e.eventId()).isEqualTo(4);
              assertThat(e.level()).isEqualTo(EventLog.Level.WARNING);
            });
  }

  @Test
  void theSystemVolumeIsListedAsAFixedNtfsDrive() throws Exception {
    assertThat(host.volumes().list())
        .filteredOn(v -> v.path().equalsIgnoreCase("C:"))
        .singleElement()
        .satisfies(
            (VolumeInfo v) -> {
              assertThat(v.type()).isEqualTo("fixed");
              assertThat(v.fileSystem()).isEqualTo("NTFS");
              assertThat(v.sizeBytes()).isPositive();
            });
  }
}
