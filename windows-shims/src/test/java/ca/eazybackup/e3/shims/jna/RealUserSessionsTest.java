package ca.eazybackup.e3.shims.jna;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.shims.UserSession;
import com.sun.jna.platform.win32.Advapi32Util;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The real session enumeration the service's tray pipes follow: WTSEnumerateSessions lists
 * signed-in sessions with their users' SIDs (through the name lookup, as this test is no
 * LocalSystem service), and this process's session is the one ProcessIdToSessionId names, as its
 * own token's user.
 */
@EnabledOnOs(
    value = OS.WINDOWS,
    disabledReason = "real WTS sessions and tokens: runs in the windows.yml job")
class RealUserSessionsTest {

  @Test
  void sessionsListSignedInUsersWithSidsAndThisProcessKnowsItsOwn() throws Exception {
    JnaUserSessions sessions = new JnaUserSessions();
    UserSession me = sessions.current();
    String mySid = Advapi32Util.getAccountByName(Advapi32Util.getUserName()).sidString;
    assertThat(me.sid()).isEqualTo(mySid);

    List<UserSession> signedIn = sessions.signedIn();
    assertThat(signedIn)
        .allSatisfy(
            s -> {
              assertThat(s.id()).isPositive(); // session 0 holds services only
              assertThat(s.sid()).matches("S-1-5-[0-9-]+");
              assertThat(s.user()).isNotBlank();
            });
    if (me.id() != 0) {
      // A process in a user's session: that session is listed, with this user.
      assertThat(signedIn)
          .anySatisfy(
              s -> {
                assertThat(s.id()).isEqualTo(me.id());
                assertThat(s.sid()).isEqualTo(mySid);
              });
    }
  }
}
