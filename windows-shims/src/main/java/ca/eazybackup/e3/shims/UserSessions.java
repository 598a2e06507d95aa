package ca.eazybackup.e3.shims;

import java.util.List;

/**
 * The interactive sessions of the machine, for the tray channel: the service opens one pipe per
 * signed-in user's session (only that user may open it) and the tray helper in a session connects
 * to its session's pipe.
 */
public interface UserSessions {

  /**
   * Sessions with a user signed in ({@code WTSEnumerateSessions}: state WTSActive or
   * WTSDisconnected, session 0 and listeners left out), each with its user's SID.
   */
  List<UserSession> signedIn() throws ShimException;

  /** This process's session and the user it runs as. */
  UserSession current() throws ShimException;

  /** A host without sessions (not Windows). */
  UserSessions NONE =
      new UserSessions() {
        @Override
        public List<UserSession> signedIn() throws ShimException {
          throw ShimException.win32(
              "WTSEnumerateSessions", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
        }

        @Override
        public UserSession current() throws ShimException {
          throw ShimException.win32(
              "ProcessIdToSessionId", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
        }
      };
}
