package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.AgentCommand;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which long commands (restores, maintenance) are executing, on disk, so that after a kill -9 the
 * agent reports each one as soon as it is back instead of leaving the addon to wait for its
 * watchdog (720 s) — or, for maintenance, which has no run to watch, forever.
 *
 * <p>Only ids are kept (command id, type, run id), never the job with its keys and password: the
 * agent cannot re-run an interrupted command from this record, it reports it failed ("agent
 * restarted") and the user starts it again. Same journal format as the outbox.
 */
final class InterruptedWork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InterruptedWork.class);

  /** A command that was executing when the previous process died. */
  record Left(long token, long commandId, String type, Long runId) {}

  private final OutboxJournal journal;
  private final List<Left> leftOver = new ArrayList<>();

  InterruptedWork(Path dir) {
    try {
      this.journal = OutboxJournal.open(dir, 256 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + dir + ": " + e, e);
    }
    for (Map.Entry<Long, ObjectNode> e : journal.pending().entrySet()) {
      ObjectNode n = e.getValue();
      leftOver.add(
          new Left(
              e.getKey(),
              n.path("command_id").asLong(),
              n.path("type").asText(),
              n.hasNonNull("run_id") ? n.get("run_id").asLong() : null));
    }
  }

  /**
   * What was executing when the previous process died; each stays recorded until its report is
   * queued and {@link #end} is called with its token, so a second crash in between loses nothing.
   */
  List<Left> leftOver() {
    return List.copyOf(leftOver);
  }

  /** Records that {@code command} starts; fsync'd. Returns the token for {@link #end}. */
  synchronized long begin(AgentCommand command, Long runId) {
    ObjectNode n = AgentApiClient.JSON.createObjectNode();
    n.put("command_id", command.commandId());
    n.put("type", command.type());
    if (runId != null) {
      n.put("run_id", runId);
    }
    try {
      return journal.append(n, true);
    } catch (IOException e) {
      log.warn(
          "agent.interrupted_work_write_failed command_id={} error={}",
          command.commandId(),
          e.toString());
      return 0;
    }
  }

  /** The command is over and its completion queued (durably) in the outbox. */
  synchronized void end(long token) {
    if (token <= 0) {
      return;
    }
    try {
      journal.ack(List.of(token));
    } catch (IOException e) {
      log.warn("agent.interrupted_work_ack_failed error={}", e.toString());
    }
  }

  @Override
  public synchronized void close() {
    try {
      journal.close();
    } catch (IOException e) {
      log.debug("agent.interrupted_work_close_failed error={}", e.toString());
    }
  }
}
