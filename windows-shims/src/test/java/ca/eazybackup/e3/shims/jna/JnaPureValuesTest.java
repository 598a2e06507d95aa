package ca.eazybackup.e3.shims.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the JNA host computes before calling Windows; the calls themselves run only there. */
class JnaPureValuesTest {

  @Test
  void shareLogOnUsesNoLetterAndATemporaryConnectionToTheShareRoot() throws ShimException {
    NetResources res = NetResources.forShare("\\\\fileserver\\documents\\Reports");
    assertThat(res.localName()).isNull();
    assertThat(res.remoteName()).isEqualTo("\\\\fileserver\\documents");
    assertThat(res.type()).isEqualTo(NetResources.RESOURCETYPE_DISK);
    assertThat(res.flags()).isEqualTo(NetResources.CONNECT_TEMPORARY);
  }

  @Test
  void driveMappingNamesTheLetterAndRemembersOnlyPersistentOnes() throws ShimException {
    NetResources dav = NetResources.forDrive('y', "http://127.0.0.1:51234/", false);
    assertThat(dav.localName()).isEqualTo("Y:");
    assertThat(dav.remoteName()).isEqualTo("http://127.0.0.1:51234/");
    assertThat(dav.flags()).isEqualTo(NetResources.CONNECT_TEMPORARY);
    NetResources unc = NetResources.forDrive('Z', "\\\\fileserver\\documents", true);
    assertThat(unc.flags()).isEqualTo(NetResources.CONNECT_UPDATE_PROFILE);
    assertThatThrownBy(() -> NetResources.forDrive('1', "\\\\a\\b", false))
        .hasMessageContaining("ERROR_BAD_DEVICE");
    assertThatThrownBy(() -> NetResources.forDrive('Q', "ftp://x", false))
        .hasMessageContaining("ERROR_BAD_NET_NAME");
  }

  @Test
  void shadowInstallDatesParseAsCimDateTimesWithTheirOffset() {
    assertThat(JnaShadowCopies.cimDateTime("20261207195501.250000+060"))
        .isEqualTo(java.time.Instant.parse("2026-12-07T18:55:01.250Z"));
    assertThat(JnaShadowCopies.cimDateTime("20261207195501.000000-300"))
        .isEqualTo(java.time.Instant.parse("2026-12-08T00:55:01Z"));
    assertThat(JnaShadowCopies.cimDateTime("garbage")).isNull();
    assertThat(JnaShadowCopies.cimDateTime(null)).isNull();
  }

  @Test
  void userNameCarriesTheDomainOnce() {
    assertThat(NetResources.userName("alice", "CORP")).isEqualTo("CORP\\alice");
    assertThat(NetResources.userName("CORP\\alice", "OTHER")).isEqualTo("CORP\\alice");
    assertThat(NetResources.userName("alice@corp.example", "CORP")).isEqualTo("alice@corp.example");
    assertThat(NetResources.userName("alice", null)).isEqualTo("alice");
    assertThat(NetResources.userName(null, "CORP")).isNull();
  }

  @Test
  void logicalDriveMaskBitsAreLetters() {
    assertThat(WindowsValues.lettersOf((1 << 2) | (1 << 3) | (1 << 25)))
        .containsExactly('C', 'D', 'Z');
  }

  @Test
  void driveTypesAndServiceStatesTranslate() {
    assertThat(WindowsValues.driveType(3)).isEqualTo("fixed");
    assertThat(WindowsValues.driveType(4)).isEqualTo("network");
    assertThat(WindowsValues.driveType(2)).isEqualTo("removable");
    assertThat(WindowsValues.driveType(5)).isEqualTo("cdrom");
    assertThat(WindowsValues.driveType(1)).isNull();
    assertThat(WindowsValues.serviceState(4)).isEqualTo(ServiceState.RUNNING);
    assertThat(WindowsValues.serviceState(1)).isEqualTo(ServiceState.STOPPED);
    assertThat(WindowsValues.serviceState(2)).isEqualTo(ServiceState.START_PENDING);
  }

  @Test
  void serviceCommandLineQuotesLikeCommandLineToArgvW() {
    assertThat(
            WindowsValues.commandLine(
                List.of(
                    "C:\\Program Files\\E3Backup\\e3-backup-agent.exe",
                    "run",
                    "--config",
                    "C:\\ProgramData\\E3Backup\\agent.conf")))
        .isEqualTo(
            "\"C:\\Program Files\\E3Backup\\e3-backup-agent.exe\" run --config"
                + " C:\\ProgramData\\E3Backup\\agent.conf");
    assertThat(WindowsValues.commandLine(List.of("a \"b\"", "C:\\dir with space\\", "")))
        .isEqualTo("\"a \\\"b\\\"\" \"C:\\dir with space\\\\\" \"\"");
  }
}
