package ca.eazybackup.e3.whmcs.clientapi;

import ca.eazybackup.e3.whmcs.commands.CommandService;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * agent_browse_filesystem: queues browse_directory and short-polls the command until the agent's
 * report arrives (agent_report_browse) or the timeout passes; a timeout answers 504 and expires the
 * command so a late report is refused.
 */
public final class BrowseRequests {
  private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

  private final Db db;
  private final CommandService commands;
  private final Duration timeout;

  public BrowseRequests(Db db, CommandService commands, Duration timeout) {
    this.db = db;
    this.commands = commands;
    this.timeout = timeout;
  }

  public JsonNode browse(long clientId, long agentId, String path) {
    var unused =
        db.one(
                "SELECT id FROM s3_cloudbackup_agents WHERE id = ? AND client_id = ?",
                agentId,
                clientId)
            .orElseThrow(
                () -> new ApiException(404, "agent " + agentId + " not found", "agent_id"));
    if (path.indexOf('\0') >= 0 || path.length() > 4096) {
      throw ApiException.badRequest("path", "path is not a valid path");
    }
    long id =
        commands.enqueue(clientId, agentId, null, null, "browse_directory", Map.of("path", path));
    // Real time on purpose: the injectable clock may stand still in tests.
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Row> c = commands.find(id);
      String status = c.map(r -> r.str("status")).orElse("failed");
      if ("completed".equals(status)) {
        return Json.parse(c.get().str("result_message"));
      }
      if ("failed".equals(status)) {
        JsonNode err = c.map(r -> parseQuietly(r.str("result_message"))).orElse(null);
        String msg =
            err != null && err.hasNonNull("error") ? err.get("error").asText() : "browse failed";
        throw new ApiException(
            502, "agent " + agentId + " could not list '" + path + "': " + msg, null);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    commands.expire(id, "timed out waiting for the agent");
    throw new ApiException(
        504,
        "agent " + agentId + " did not answer within " + timeout.toSeconds() + " s: is it online?",
        null);
  }

  private static JsonNode parseQuietly(String s) {
    try {
      return Json.parse(s);
    } catch (IllegalStateException e) {
      return null;
    }
  }
}
