package ca.eazybackup.e3.agent.netshare;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.shims.NetworkShares;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UncPaths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs on to every {@code \\server\share} among a run's UNC sources before the run and off after it
 * (also on failure), with the job's credentials, as the seed's service mode does with {@code net
 * use}. Sources that are not UNC paths, or a run without credentials, need nothing: the session is
 * then empty. The password lives in a char array only for the call and is wiped after it; it never
 * reaches a log line, an event or an exception message.
 *
 * <pre>{@code
 * try (NetworkShareSession shares = NetworkShareSession.open(host.networkShares(), sources, creds, progress)) {
 *   engine.backup(...);
 * }
 * }</pre>
 */
public final class NetworkShareSession implements AutoCloseable {
  public static final String CONNECTED = "NETWORK_SHARE_CONNECTED";
  public static final String FAILED = "NETWORK_SHARE_FAILED";
  public static final String DISCONNECTED = "NETWORK_SHARE_DISCONNECTED";

  private static final Logger LOG = LoggerFactory.getLogger(NetworkShareSession.class);

  private final NetworkShares shares;
  private final ProgressReporter progress;
  private final List<String> connected;
  private boolean closed;

  private NetworkShareSession(
      NetworkShares shares, ProgressReporter progress, List<String> connected) {
    this.shares = shares;
    this.progress = progress;
    this.connected = connected;
  }

  /**
   * Connects to each distinct share root of {@code sourcePaths}; if one fails, those already
   * connected are disconnected again and the run must not start.
   */
  public static NetworkShareSession open(
      NetworkShares shares,
      List<String> sourcePaths,
      RunAssignment.NetworkCredentials credentials,
      ProgressReporter progress)
      throws NetworkShareException {
    List<String> roots = shareRoots(sourcePaths);
    NetworkShareSession session = new NetworkShareSession(shares, progress, new ArrayList<>());
    if (credentials == null
        || credentials.username() == null
        || credentials.username().isBlank()
        || roots.isEmpty()) {
      return session;
    }
    Account account = Account.of(credentials.username(), credentials.domain());
    String password = credentials.password() == null ? "" : credentials.password();
    for (String root : roots) {
      char[] secret = password.toCharArray();
      try {
        shares.connect(root, account.user(), secret, account.domain());
        session.connected.add(root);
        LOG.info("event=network_share_connected share={} user={}", root, account.qualified());
        progress.event(CONNECTED, EventLevel.INFO, "Logged on to " + root, Map.of("share", root));
      } catch (ShimException e) {
        String why = scrub(e.getMessage(), password);
        LOG.warn(
            "event=network_share_failed share={} user={} error=\"{}\"",
            root,
            account.qualified(),
            why);
        progress.event(
            FAILED,
            EventLevel.ERROR,
            "Could not log on to " + root + " as " + account.qualified() + ": " + why,
            Map.of("share", root));
        session.close();
        throw new NetworkShareException(
            "Could not log on to network share "
                + root
                + " as "
                + account.qualified()
                + ": "
                + why
                + " Check the job's network credentials.",
            null);
      } finally {
        Arrays.fill(secret, '\0');
      }
    }
    return session;
  }

  /** The shares this session is logged on to, in the order they were connected. */
  public List<String> connectedShares() {
    return List.copyOf(connected);
  }

  /** Logs off every share this session logged on to; a failure is logged, not thrown. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = connected.size() - 1; i >= 0; i--) {
      String root = connected.get(i);
      try {
        shares.disconnect(root);
        LOG.info("event=network_share_disconnected share={}", root);
        progress.event(
            DISCONNECTED, EventLevel.INFO, "Logged off from " + root, Map.of("share", root));
      } catch (ShimException e) {
        LOG.warn(
            "event=network_share_disconnect_failed share={} error=\"{}\"", root, e.getMessage());
      }
    }
  }

  /** Distinct share roots ({@code \\server\share}, compared ignoring case) of the UNC sources. */
  static List<String> shareRoots(List<String> sourcePaths) {
    Map<String, String> roots = new LinkedHashMap<>();
    if (sourcePaths != null) {
      for (String source : sourcePaths) {
        UncPaths.shareRoot(source).ifPresent(r -> roots.putIfAbsent(r.toLowerCase(Locale.ROOT), r));
      }
    }
    return List.copyOf(roots.values());
  }

  /** Belt and braces: a message that somehow carries the password gets it masked. */
  static String scrub(String message, String password) {
    if (message == null) {
      return "";
    }
    if (password == null || password.isEmpty()) {
      return message;
    }
    return message.replace(password, "***");
  }

  /** {@code CORP\alice} or ({@code alice}, {@code CORP}) → user and domain apart. */
  record Account(String user, String domain) {
    static Account of(String username, String domain) {
      String user = username.strip();
      String dom = domain == null || domain.isBlank() ? null : domain.strip();
      int slash = user.indexOf('\\');
      if (slash >= 0) {
        dom = user.substring(0, slash);
        user = user.substring(slash + 1);
      }
      return new Account(user, dom);
    }

    String qualified() {
      return domain == null ? user : domain + "\\" + user;
    }
  }
}
