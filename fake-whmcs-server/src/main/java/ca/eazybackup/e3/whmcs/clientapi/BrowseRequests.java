package ca.eazybackup.e3.whmcs.clientapi;

import ca.eazybackup.e3.whmcs.commands.CommandService;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.FieldLimits;
import ca.eazybackup.e3.whmcs.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * agent_browse_filesystem: queues browse_directory and answers when the agent's report arrives
 * (agent_report_browse) or the timeout passes; a timeout answers 504 and expires the command so a
 * late report is refused.
 *
 * <p>A waiting browse holds no server thread: it is a future that one sweeper thread completes,
 * checking every pending command in one query every {@link #SWEEP} (the report may reach another
 * addon process on the same database). Each client may have at most {@link #MAX_PENDING_PER_CLIENT}
 * browses waiting; one more is a 429, so a client cannot fill the server with parked calls.
 */
public final class BrowseRequests implements AutoCloseable {
  /** Browses one client may have waiting (a job wizard has one or two; ten leaves room). */
  public static final int MAX_PENDING_PER_CLIENT = 10;

  private static final Logger LOG = LoggerFactory.getLogger(BrowseRequests.class);
  private static final Duration SWEEP = Duration.ofMillis(100);

  private final Db db;
  private final CommandService commands;
  private final Duration timeout;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Map<Long, Integer> perClient = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  private record Pending(
      long commandId,
      long clientId,
      long agentId,
      String path,
      long deadlineNanos,
      CompletableFuture<JsonNode> answer) {}

  public BrowseRequests(Db db, CommandService commands, Duration timeout) {
    this.db = db;
    this.commands = commands;
    this.timeout = timeout;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "whmcs-browse-sweeper");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(
        this::sweepSafely, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Queues the browse and returns the future listing (failing with an {@link ApiException}). */
  public CompletableFuture<JsonNode> browse(long clientId, long agentId, String path) {
    var unused =
        db.one(
                "SELECT id FROM s3_cloudbackup_agents WHERE id = ? AND client_id = ?",
                agentId,
                clientId)
            .orElseThrow(
                () -> new ApiException(404, "agent " + agentId + " not found", "agent_id"));
    FieldLimits.checkChars("path", path);
    reserve(clientId);
    long id;
    try {
      id =
          commands.enqueue(clientId, agentId, null, null, "browse_directory", Map.of("path", path));
    } catch (RuntimeException e) {
      release(clientId);
      throw e;
    }
    // Real time on purpose: the injectable clock may stand still in tests.
    Pending p =
        new Pending(
            id,
            clientId,
            agentId,
            path,
            System.nanoTime() + timeout.toNanos(),
            new CompletableFuture<>());
    pending.put(id, p);
    return p.answer();
  }

  private void reserve(long clientId) {
    boolean[] refused = {false};
    perClient.compute(
        clientId,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= MAX_PENDING_PER_CLIENT) {
            refused[0] = true;
            return now;
          }
          return now + 1;
        });
    if (refused[0]) {
      throw new ApiException(
          429,
          MAX_PENDING_PER_CLIENT
              + " folder listings are already waiting for your agents: wait for one to finish",
          null);
    }
  }

  private void release(long clientId) {
    perClient.computeIfPresent(clientId, (k, n) -> n <= 1 ? null : n - 1);
  }

  private void sweepSafely() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn("event=browse_sweep_failed error={}", e.getClass().getSimpleName());
    }
  }

  private void sweep() {
    if (pending.isEmpty()) {
      return;
    }
    List<Long> ids = new ArrayList<>(pending.keySet());
    Map<Long, Row> rows = new java.util.HashMap<>();
    for (int from = 0; from < ids.size(); from += 500) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
      String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
      for (Row r :
          db.query(
              "SELECT id, status, result_message FROM s3_cloudbackup_run_commands WHERE id IN ("
                  + marks
                  + ")",
              chunk.toArray())) {
        rows.put(r.lng("id"), r);
      }
    }
    long now = System.nanoTime();
    for (Long id : ids) {
      Pending p = pending.get(id);
      if (p == null) {
        continue;
      }
      Row c = rows.get(id);
      String status = c == null ? "failed" : c.str("status");
      if ("completed".equals(status)) {
        finish(p, () -> p.answer().complete(Json.parse(c.str("result_message"))));
      } else if ("failed".equals(status)) {
        finish(p, () -> p.answer().completeExceptionally(agentFailed(p, c)));
      } else if (now - p.deadlineNanos() >= 0) {
        commands.expire(id, "timed out waiting for the agent");
        finish(
            p,
            () ->
                p.answer()
                    .completeExceptionally(
                        new ApiException(
                            504,
                            "agent "
                                + p.agentId()
                                + " did not answer within "
                                + timeout.toSeconds()
                                + " s: is it online?",
                            null)));
      }
    }
  }

  private void finish(Pending p, Runnable complete) {
    if (pending.remove(p.commandId()) != null) {
      release(p.clientId());
      complete.run();
    }
  }

  private static ApiException agentFailed(Pending p, Row c) {
    JsonNode err = c == null ? null : parseQuietly(c.str("result_message"));
    String msg =
        err != null && err.hasNonNull("error") ? err.get("error").asText() : "browse failed";
    return new ApiException(
        502, "agent " + p.agentId() + " could not list '" + p.path() + "': " + msg, null);
  }

  private static JsonNode parseQuietly(String s) {
    try {
      return Json.parse(s);
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /** Browses waiting now (for tests and the log). */
  public int waiting() {
    return pending.size();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    for (Pending p : pending.values()) {
      p.answer().completeExceptionally(new ApiException(503, "the addon is stopping", null));
    }
    pending.clear();
  }
}
