package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserSession;
import ca.eazybackup.e3.shims.UserSessions;
import ca.eazybackup.e3.shims.Win32Error;
import java.util.List;

/**
 * Sessions on the simulated machine: {@link SimulatedWindowsHost#logon} signs a user in (a new
 * session id, the user's SID fixed at the first logon), {@link SimulatedWindowsHost#logoff} signs
 * them out. A process runs as the user it was built with ({@code E3_SIMHOST_USER}), in that user's
 * newest session; without one it is the service: LocalSystem in session 0.
 */
final class SimUserSessions implements UserSessions {
  private final SimulatedWindowsHost host;

  SimUserSessions(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public List<UserSession> signedIn() throws ShimException {
    return host.store()
        .read(
            state ->
                state.sessions.stream()
                    .map(s -> new UserSession(s.id(), s.user(), s.sid()))
                    .toList());
  }

  @Override
  public UserSession current() throws ShimException {
    String user = host.user();
    if (user == null) {
      return new UserSession(0, "NT AUTHORITY\\SYSTEM", UserSession.SYSTEM_SID);
    }
    return host.store()
        .read(
            state -> {
              SimState.Session newest = null;
              for (SimState.Session s : state.sessions) {
                if (s.user().equalsIgnoreCase(user)) {
                  newest = s;
                }
              }
              if (newest == null) {
                throw ShimException.win32(
                    "ProcessIdToSessionId",
                    Win32Error.ERROR_ACCESS_DENIED,
                    user + " is not signed in on this machine");
              }
              return new UserSession(newest.id(), newest.user(), newest.sid());
            });
  }
}
