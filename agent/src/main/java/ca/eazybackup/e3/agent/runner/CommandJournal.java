package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.AgentCommand;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every command the agent received, on disk (fsync'd) before the addon is told it has it
 * (agent_ack_commands): the addon hands out again a command it delivered that was never
 * acknowledged, so a kill between the poll's answer and this record loses nothing; this record in
 * turn drops a command id it already has, so a command delivered twice never runs twice.
 *
 * <p>A long command (restore, maintenance, verify) stays open in the record until it is over and
 * its completion queued (durably) in the outbox; one still open at start was executing, or waiting
 * for a thread, when the previous process died, and is reported failed ("agent restarted") at once
 * instead of leaving the addon to wait for its watchdog — or, for maintenance, which has no run to
 * watch, forever. Only ids are kept (command id, type, run id), never the job with its keys and
 * password, so the agent cannot re-run such a command itself: the user starts it again.
 *
 * <p>The ids of the last {@link #KEEP} closed commands are kept for the dedupe; a re-delivery comes
 * within minutes, long before that many others. Same journal format as the outbox.
 */
final class CommandJournal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommandJournal.class);
  static final int KEEP = 2000;

  /** A command that was executing when the previous process died. */
  record Left(long commandId, String type, Long runId) {}

  /**
   * What {@link #receive} found: {@code fresh} = never seen (run it); {@code durable} = on disk, so
   * the addon may be told (an id written only to memory is not acknowledged: the addon hands it out
   * again after a restart rather than losing it).
   */
  record Received(boolean fresh, boolean durable) {}

  private record OpenRecord(long recordId, ObjectNode item) {}

  private final OutboxJournal journal;
  private final List<Left> leftOver = new ArrayList<>();

  /** Command id → its journal record, of commands still open. */
  private final Map<Long, OpenRecord> open = new HashMap<>();

  /** Command id → journal record id, of closed commands, oldest first. */
  private final LinkedHashMap<Long, Long> closed = new LinkedHashMap<>();

  private final int keep;

  CommandJournal(Path dir) {
    this(dir, KEEP);
  }

  CommandJournal(Path dir, int keep) {
    this.keep = keep;
    try {
      this.journal = OutboxJournal.open(dir, 256 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + dir + ": " + e, e);
    }
    for (Map.Entry<Long, ObjectNode> e : journal.pending().entrySet()) {
      ObjectNode n = e.getValue();
      long commandId = n.path("command_id").asLong();
      // Records of the earlier format (one per long command, acknowledged when over) are open.
      if (n.path("open").asBoolean(true)) {
        open.put(commandId, new OpenRecord(e.getKey(), n));
        leftOver.add(
            new Left(
                commandId,
                n.path("type").asText(),
                n.hasNonNull("run_id") ? n.get("run_id").asLong() : null));
      } else {
        closed.put(commandId, e.getKey());
      }
    }
  }

  /**
   * What was executing when the previous process died; each stays open until its report is queued
   * and {@link #end} is called, so a second crash in between loses nothing.
   */
  List<Left> leftOver() {
    return List.copyOf(leftOver);
  }

  /**
   * Records a command just received, fsync'd; {@code tracked} commands stay open until {@link
   * #end}. A command id already recorded (the addon's re-delivery of a command whose
   * acknowledgement it never got) is not recorded again and comes back not fresh.
   */
  synchronized Received receive(AgentCommand command, Long runId, boolean tracked) {
    long id = command.commandId();
    if (open.containsKey(id) || closed.containsKey(id)) {
      return new Received(false, true);
    }
    ObjectNode n = AgentApiClient.JSON.createObjectNode();
    n.put("command_id", id);
    n.put("type", command.type());
    if (runId != null) {
      n.put("run_id", runId);
    }
    n.put("open", tracked);
    long recordId;
    boolean durable = true;
    try {
      recordId = journal.append(n, true);
    } catch (IOException e) {
      log.warn("agent.command_journal_write_failed command_id={} error={}", id, e.toString());
      recordId = 0;
      durable = false;
    }
    if (tracked) {
      open.put(id, new OpenRecord(recordId, n));
    } else {
      close(id, recordId);
    }
    return new Received(true, durable);
  }

  /** The command is over and its completion queued (durably) in the outbox. */
  synchronized void end(long commandId) {
    OpenRecord r = open.remove(commandId);
    if (r == null) {
      return;
    }
    if (r.recordId() > 0) {
      // Not fsync'd: lost in a power cut, the command is only reported "agent restarted" once more
      // after the restart, and the addon answers that late completion 409.
      ObjectNode n = r.item().deepCopy();
      n.put("open", false);
      try {
        journal.amend(r.recordId(), n);
      } catch (IOException e) {
        log.warn(
            "agent.command_journal_end_failed command_id={} error={}", commandId, e.toString());
      }
    }
    close(commandId, r.recordId());
  }

  private void close(long commandId, long recordId) {
    closed.put(commandId, recordId);
    if (closed.size() <= keep) {
      return;
    }
    List<Long> drop = new ArrayList<>();
    Iterator<Map.Entry<Long, Long>> it = closed.entrySet().iterator();
    while (closed.size() > keep && it.hasNext()) {
      Map.Entry<Long, Long> oldest = it.next();
      drop.add(oldest.getValue());
      it.remove();
    }
    try {
      journal.ack(drop);
    } catch (IOException e) {
      log.warn("agent.command_journal_trim_failed error={}", e.toString());
    }
  }

  /** Whether this command id was received (by this process or an earlier one) and kept. */
  synchronized boolean knows(long commandId) {
    return open.containsKey(commandId) || closed.containsKey(commandId);
  }

  @Override
  public synchronized void close() {
    try {
      journal.close();
    } catch (IOException e) {
      log.debug("agent.command_journal_close_failed error={}", e.toString());
    }
  }
}
