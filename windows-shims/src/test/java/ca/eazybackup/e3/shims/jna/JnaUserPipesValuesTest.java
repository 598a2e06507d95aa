package ca.eazybackup.e3.shims.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserPipes;
import ca.eazybackup.e3.shims.Win32Error;
import org.junit.jupiter.api.Test;

/** The pipe's DACL and name, checked before any native call (runs on every OS). */
class JnaUserPipesValuesTest {

  @Test
  void theDaclIsProtectedAndNamesOnlySystemAndTheUser() {
    assertThat(JnaUserPipes.sddl("S-1-5-21-3623811015-3361044348-30300820-1013"))
        .isEqualTo("D:P(A;;GA;;;SY)(A;;GRGW;;;S-1-5-21-3623811015-3361044348-30300820-1013)");
  }

  @Test
  void aSidThatWouldAddAcesIsRefused() {
    assertThatThrownBy(() -> JnaUserPipes.sddl("S-1-5-21-1)(A;;GA;;;WD"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JnaUserPipes.sddl("WD")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JnaUserPipes.sddl(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pipeNamesAreLocalAndPlain() {
    assertThat(JnaUserPipes.path("e3-backup-tray-1")).isEqualTo("\\\\.\\pipe\\e3-backup-tray-1");
    assertThatThrownBy(() -> JnaUserPipes.path("..\\other"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JnaUserPipes.path("a\\b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHostWithoutPipesSaysSo() {
    assertThatThrownBy(() -> UserPipes.NONE.serve("x", "S-1-5-18"))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.errorCode()).isEqualTo(Win32Error.ERROR_CALL_NOT_IMPLEMENTED.code()));
  }
}
