package ca.eazybackup.e3.agent.tray;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserPipes;
import ca.eazybackup.e3.shims.UserSession;
import ca.eazybackup.e3.shims.WindowsHost;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's end of the tray channel on Windows: one named pipe per signed-in user's session,
 * {@code \\.\pipe\e3-backup-tray-<session id>}, that only that session's user (and SYSTEM) may
 * open. A tray helper asks with one line, {@code status}, and gets the status as one JSON line.
 *
 * <p>Sessions are found by polling {@code WTSEnumerateSessions} every {@link #POLL}, not by
 * SERVICE_CONTROL_SESSIONCHANGE: the same code then serves the foreground {@code run} (which gets
 * no service controls), sessions signed in before the service started need the enumeration anyway,
 * and a missed or reordered notification cannot leave a pipe open after logoff - each poll makes
 * the pipes match the sessions. The cost is a logon seen up to {@link #POLL} late; the tray helper
 * retries every few seconds.
 */
public final class SessionPipes implements AutoCloseable {
  public static final Duration POLL = Duration.ofSeconds(2);
  static final byte[] REQUEST = "status\n".getBytes(StandardCharsets.US_ASCII);
  private static final Logger LOG = LoggerFactory.getLogger(SessionPipes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WindowsHost host;
  private final Supplier<AgentStatus> status;
  private final Map<Integer, Open> open = new HashMap<>();
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "e3-tray-sessions"));

  private record Open(String sid, UserPipes.Server server) {}

  private SessionPipes(WindowsHost host, Supplier<AgentStatus> status) {
    this.host = host;
    this.status = status;
  }

  /** The pipe of session {@code id}. */
  public static String pipeName(int sessionId) {
    return "e3-backup-tray-" + sessionId;
  }

  /** Serves the sessions signed in now and follows logons and logoffs every {@link #POLL}. */
  public static SessionPipes open(WindowsHost host, Supplier<AgentStatus> status) {
    SessionPipes pipes = new SessionPipes(host, status);
    pipes.poller.scheduleWithFixedDelay(
        pipes::reconcile, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    return pipes;
  }

  /** Sessions served now (tests). */
  public synchronized Set<Integer> sessions() {
    return Set.copyOf(open.keySet());
  }

  /** Opens a pipe for each new session, closes those of sessions gone. */
  synchronized void reconcile() {
    List<UserSession> now;
    try {
      now = host.userSessions().signedIn();
    } catch (ShimException | RuntimeException e) {
      LOG.warn("tray.sessions_unavailable error={}", e.toString());
      return;
    }
    Set<Integer> seen = new HashSet<>();
    for (UserSession s : now) {
      seen.add(s.id());
      Open o = open.get(s.id());
      if (o != null && !o.sid().equals(s.sid())) {
        close(s.id()); // the session id was reused by another user
        o = null;
      }
      if (o == null) {
        try {
          UserPipes.Server server = host.userPipes().serve(pipeName(s.id()), s.sid());
          open.put(s.id(), new Open(s.sid(), server));
          Thread t = daemon(() -> serve(server), "e3-tray-pipe-" + s.id());
          t.start();
          LOG.info("tray.pipe_open session={} user={}", s.id(), s.user());
        } catch (ShimException | RuntimeException e) {
          // ERROR_ACCESS_DENIED: the name is taken - somebody squats it; the next poll retries.
          LOG.warn("tray.pipe_failed session={} error={}", s.id(), e.toString());
        }
      }
    }
    for (Integer id : Set.copyOf(open.keySet())) {
      if (!seen.contains(id)) {
        close(id);
        LOG.info("tray.pipe_closed session={} reason=logoff", id);
      }
    }
  }

  private void serve(UserPipes.Server server) {
    while (true) {
      try (UserPipes.Connection c = server.accept()) {
        answer(c);
      } catch (ShimException e) {
        return; // closed
      } catch (IOException | RuntimeException e) {
        LOG.debug("tray.pipe_request_failed error={}", e.toString());
      }
    }
  }

  private void answer(UserPipes.Connection c) throws IOException {
    InputStream in = c.in();
    byte[] line = new byte[REQUEST.length];
    int got = 0;
    while (got < line.length) {
      int n = in.read(line, got, line.length - got);
      if (n < 0) {
        return;
      }
      got += n;
    }
    OutputStream out = c.out();
    if (java.util.Arrays.equals(line, REQUEST)) {
      out.write(JSON.writeValueAsBytes(status.get()));
    } else {
      out.write("{\"error\":\"unknown request\"}".getBytes(StandardCharsets.US_ASCII));
    }
    out.write('\n');
    out.flush();
  }

  private void close(int sessionId) {
    Open o = open.remove(sessionId);
    if (o != null) {
      try {
        o.server().close();
      } catch (IOException e) {
        LOG.warn("tray.pipe_close_failed session={} error={}", sessionId, e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
    for (Integer id : Set.copyOf(open.keySet())) {
      close(id);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
