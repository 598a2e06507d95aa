package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserSession;
import ca.eazybackup.e3.shims.UserSessions;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Wtsapi32;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions through wtsapi32: {@code WTSEnumerateSessionsW} for the sessions, {@code
 * WTSQueryUserToken} (LocalSystem only: it needs SE_TCB_NAME) and the token's TokenUser for the
 * user's SID, falling back to {@code WTSQuerySessionInformationW(WTSUserName, WTSDomainName)} and
 * {@code LookupAccountNameW} when the caller is no service (an elevated test, {@code run} in a
 * console). Microsoft's WTS_CONNECTSTATE_CLASS: WTSActive = 0, WTSDisconnected = 4 are sessions a
 * user is signed in to; session 0 holds services only (session 0 isolation since Vista).
 */
final class JnaUserSessions implements UserSessions {
  private static final Logger LOG = LoggerFactory.getLogger(JnaUserSessions.class);
  static final int WTS_ACTIVE = 0;
  static final int WTS_DISCONNECTED = 4;
  static final int WTS_USER_NAME = 5;
  static final int WTS_DOMAIN_NAME = 7;

  /** Whether a session in {@code state} with {@code id} has a user signed in. */
  static boolean signedIn(int id, int state) {
    return id != 0 && (state == WTS_ACTIVE || state == WTS_DISCONNECTED);
  }

  @Override
  public List<UserSession> signedIn() throws ShimException {
    PointerByReference infos = new PointerByReference();
    IntByReference count = new IntByReference();
    if (!Wtsapi32.INSTANCE.WTSEnumerateSessions(
        Wtsapi32.WTS_CURRENT_SERVER_HANDLE, 0, 1, infos, count)) {
      throw ShimException.win32("WTSEnumerateSessions", Kernel32.INSTANCE.GetLastError(), null);
    }
    List<UserSession> out = new ArrayList<>();
    try {
      if (count.getValue() == 0) {
        return out;
      }
      Wtsapi32.WTS_SESSION_INFO first = new Wtsapi32.WTS_SESSION_INFO(infos.getValue());
      for (Wtsapi32.WTS_SESSION_INFO s :
          (Wtsapi32.WTS_SESSION_INFO[]) first.toArray(count.getValue())) {
        if (!signedIn(s.SessionId, s.State)) {
          continue;
        }
        String user = userName(s.SessionId);
        if (user == null) {
          continue; // a session between logon screen and desktop: nobody to serve yet
        }
        try {
          out.add(new UserSession(s.SessionId, user, sidOf(s.SessionId, user)));
        } catch (ShimException | RuntimeException e) {
          LOG.warn("sessions.sid_unknown session={} error={}", s.SessionId, e.toString());
        }
      }
      return out;
    } finally {
      Wtsapi32.INSTANCE.WTSFreeMemory(infos.getValue());
    }
  }

  @Override
  public UserSession current() throws ShimException {
    IntByReference id = new IntByReference();
    if (!Kernel32.INSTANCE.ProcessIdToSessionId(Kernel32.INSTANCE.GetCurrentProcessId(), id)) {
      throw ShimException.win32("ProcessIdToSessionId", Kernel32.INSTANCE.GetLastError(), null);
    }
    WinNT.HANDLEByReference token = new WinNT.HANDLEByReference();
    if (!com.sun.jna.platform.win32.Advapi32.INSTANCE.OpenProcessToken(
        Kernel32.INSTANCE.GetCurrentProcess(), WinNT.TOKEN_QUERY, token)) {
      throw ShimException.win32("OpenProcessToken", Kernel32.INSTANCE.GetLastError(), null);
    }
    try {
      Advapi32Util.Account a = Advapi32Util.getTokenAccount(token.getValue());
      return new UserSession(id.getValue(), a.fqn, a.sidString);
    } finally {
      Kernel32.INSTANCE.CloseHandle(token.getValue());
    }
  }

  private static String sidOf(int sessionId, String user) throws ShimException {
    WinNT.HANDLEByReference token = new WinNT.HANDLEByReference();
    if (NativeApis.wtsapi32().WTSQueryUserToken(sessionId, token)) {
      try {
        return Advapi32Util.getTokenAccount(token.getValue()).sidString;
      } finally {
        Kernel32.INSTANCE.CloseHandle(token.getValue());
      }
    }
    // ERROR_PRIVILEGE_NOT_HELD (1314) outside a LocalSystem service: look the name up instead.
    return Advapi32Util.getAccountByName(user).sidString;
  }

  private static String userName(int sessionId) {
    String user = query(sessionId, WTS_USER_NAME);
    if (user == null || user.isEmpty()) {
      return null;
    }
    String domain = query(sessionId, WTS_DOMAIN_NAME);
    return domain == null || domain.isEmpty() ? user : domain + "\\" + user;
  }

  private static String query(int sessionId, int infoClass) {
    PointerByReference buf = new PointerByReference();
    IntByReference bytes = new IntByReference();
    if (!Wtsapi32.INSTANCE.WTSQuerySessionInformation(
        Wtsapi32.WTS_CURRENT_SERVER_HANDLE, sessionId, infoClass, buf, bytes)) {
      return null;
    }
    try {
      Pointer p = buf.getValue();
      return p == null ? null : p.getWideString(0);
    } finally {
      Wtsapi32.INSTANCE.WTSFreeMemory(buf.getValue());
    }
  }
}
