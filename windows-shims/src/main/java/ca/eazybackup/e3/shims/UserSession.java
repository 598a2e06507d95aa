package ca.eazybackup.e3.shims;

/**
 * A Windows logon session with a user signed in (console or Remote Desktop, active or
 * disconnected).
 *
 * @param id the session id ({@code WTS_SESSION_INFO.SessionId}; 0 is the services' session)
 * @param user {@code DOMAIN\\user}
 * @param sid the user's SID, {@code S-1-5-21-…}
 */
public record UserSession(int id, String user, String sid) {
  /** LocalSystem, as which the service runs. */
  public static final String SYSTEM_SID = "S-1-5-18";
}
