package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.api.Backoff;
import ca.eazybackup.e3.agent.api.RunEvent;
import ca.eazybackup.e3.agent.api.UpdateRunResponse;
import ca.eazybackup.e3.agent.progress.EventCodes;
import ca.eazybackup.e3.agent.progress.ReportSink;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers run updates, events and command results to the addon, in order per <em>lane</em> (one
 * lane per run, one per command or mount), on one thread. Everything that matters after a crash —
 * events, final statuses, command completions, NAS statuses — is written to an {@link
 * OutboxJournal} before it counts as queued, and replayed when the agent starts again: a kill -9
 * during an addon outage loses nothing. Final statuses and completions are fsync'd.
 *
 * <p>While the addon is unreachable or answers 5xx, a lane's head is retried with jittered backoff
 * and everything behind it in that lane waits; other lanes go on (a stuck run does not delay
 * another run's heartbeats). The final status of a run, queued last, arrives last; a restore's
 * command completion travels in its run's lane, so it arrives after the run's final status.
 *
 * <p>Why retrying is safe: {@code agent_update_run} writes absolute values; events carry a per-run
 * {@code seq} the addon dedupes; completing a command or reporting a browse twice answers 409,
 * which we take as "already done". Bounded: consecutive non-final updates of a run are merged as
 * they are queued, and once a run has {@value #COALESCE_AFTER} per-file events ({@code
 * FILE_SKIPPED}, {@code SYNC_FILE_SKIPPED}) waiting, further ones only raise the count of one
 * summary event, so an outage during a backup of a locked folder does not pile up a million items.
 */
final class Outbox implements ReportSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final int MAX_EVENTS_PER_CALL = 200;
  static final int COALESCE_AFTER = 100;
  private static final int SUMMARY_EXAMPLES = 5;

  /**
   * Progress events beyond this many waiting in one lane are dropped: later ones supersede them.
   */
  static final int PROGRESS_EVENTS_KEPT = 50;

  /** Refusals tolerated (2xx "fail", agent bugs) before an item is set aside in the dead file. */
  static final int MAX_REFUSALS = 8;

  static final String DEAD_FILE = "outbox.dead.jsonl";

  /** What the runner wants to know about the addon's answers. */
  interface Listener {
    void onUpdateAnswer(long runId, UpdateRunResponse response);

    /** The addon refused a run's update for good (409 terminal, 404 unknown). */
    void onRunRejected(long runId, ApiException error);
  }

  /** A result delivery that need not survive a restart (browse reports: the asker waits 15 s). */
  interface Call {
    void send(AgentApiClient api) throws ApiException;
  }

  private abstract static class Item {
    long journalId;
    long order;

    abstract String lane();

    abstract String describe();

    /** The journal form, or null for items that are not kept across a restart. */
    abstract ObjectNode toJson();

    boolean durable() {
      return toJson() != null;
    }

    /** fsync before counting as queued. */
    boolean mustSync() {
      return false;
    }
  }

  private static final class Update extends Item {
    final long runId;
    final ObjectNode body;
    final boolean terminal;

    Update(long runId, ObjectNode body, boolean terminal) {
      this.runId = runId;
      this.body = body;
      this.terminal = terminal;
    }

    @Override
    String lane() {
      return "run:" + runId;
    }

    @Override
    String describe() {
      return "update(run_id=" + runId + ",terminal=" + terminal + ")";
    }

    @Override
    ObjectNode toJson() {
      if (!terminal) {
        // Progress and heartbeats of a run that died with the process are worth nothing later.
        return null;
      }
      ObjectNode n = AgentApiClient.JSON.createObjectNode();
      n.put("kind", "update");
      n.put("run_id", runId);
      n.set("body", body);
      return n;
    }

    @Override
    boolean mustSync() {
      return true;
    }
  }

  private static final class Events extends Item {
    final long runId;
    final List<RunEvent> events;

    Events(long runId, List<RunEvent> events) {
      this.runId = runId;
      this.events = events;
    }

    @Override
    String lane() {
      return "run:" + runId;
    }

    @Override
    String describe() {
      return "events(run_id=" + runId + ")";
    }

    @Override
    ObjectNode toJson() {
      ObjectNode n = AgentApiClient.JSON.createObjectNode();
      n.put("kind", "event");
      n.put("run_id", runId);
      n.set("event", AgentApiClient.JSON.valueToTree(events.get(0)));
      return n;
    }

    @Override
    boolean mustSync() {
      return "lifecycle".equals(events.get(0).type());
    }
  }

  /** Per-file events of one code coalesced while the addon was away: sent as one event. */
  private static final class Summary extends Item {
    final long runId;
    final RunEvent first;
    long count;
    final List<String> examples = new ArrayList<>();

    Summary(long runId, RunEvent first) {
      this.runId = runId;
      this.first = first;
    }

    @Override
    String lane() {
      return "run:" + runId;
    }

    @Override
    String describe() {
      return "skipped_summary(run_id=" + runId + ",code=" + first.code() + ",count=" + count + ")";
    }

    void add(RunEvent e) {
      count++;
      Object path = e.params().get("path");
      if (examples.size() < SUMMARY_EXAMPLES && path != null) {
        examples.add(String.valueOf(path));
      }
    }

    RunEvent toEvent() {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("count", count);
      params.put("examples", List.copyOf(examples));
      String msg =
          count
              + " files skipped ("
              + first.code()
              + ") while the addon was unreachable; the run log lists each, first: "
              + String.join(", ", examples);
      return new RunEvent(
          first.seq(), first.ts(), first.type(), first.level(), first.code(), msg, params);
    }

    @Override
    ObjectNode toJson() {
      ObjectNode n = AgentApiClient.JSON.createObjectNode();
      n.put("kind", "summary");
      n.put("run_id", runId);
      n.set("event", AgentApiClient.JSON.valueToTree(first));
      n.put("count", count);
      n.set("examples", AgentApiClient.JSON.valueToTree(examples));
      return n;
    }
  }

  private static final class Completion extends Item {
    final long commandId;
    final Long runId;
    final boolean ok;
    final String message;

    Completion(long commandId, Long runId, boolean ok, String message) {
      this.commandId = commandId;
      this.runId = runId;
      this.ok = ok;
      this.message = message;
    }

    @Override
    String lane() {
      return runId != null && runId > 0 ? "run:" + runId : "command:" + commandId;
    }

    @Override
    String describe() {
      return "complete_command(command_id=" + commandId + ")";
    }

    @Override
    ObjectNode toJson() {
      ObjectNode n = AgentApiClient.JSON.createObjectNode();
      n.put("kind", "complete");
      n.put("command_id", commandId);
      if (runId != null) {
        n.put("run_id", runId);
      }
      n.put("ok", ok);
      n.put("message", message);
      return n;
    }

    @Override
    boolean mustSync() {
      return true;
    }
  }

  private static final class NasStatus extends Item {
    final long mountId;
    final String status;
    final String error;
    final Long cacheBytesUsed;
    final String warning;

    NasStatus(long mountId, String status, String error, Long cacheBytesUsed, String warning) {
      this.mountId = mountId;
      this.status = status;
      this.error = error;
      this.cacheBytesUsed = cacheBytesUsed;
      this.warning = warning;
    }

    @Override
    String lane() {
      return "nas:" + mountId;
    }

    @Override
    String describe() {
      return "cloudnas_update_status(mount_id=" + mountId + ")";
    }

    @Override
    ObjectNode toJson() {
      ObjectNode n = AgentApiClient.JSON.createObjectNode();
      n.put("kind", "nas");
      n.put("mount_id", mountId);
      n.put("status", status);
      n.put("error", error);
      n.put("cache_bytes_used", cacheBytesUsed);
      n.put("warning", warning);
      return n;
    }

    @Override
    boolean mustSync() {
      return true;
    }
  }

  private static final class Generic extends Item {
    final String name;
    final Call call;

    Generic(String name, Call call) {
      this.name = name;
      this.call = call;
    }

    @Override
    String lane() {
      return "call:" + name;
    }

    @Override
    String describe() {
      return name;
    }

    @Override
    ObjectNode toJson() {
      return null;
    }
  }

  /** One ordered stream of items with its own backoff. */
  private static final class Lane {
    final Deque<Item> items = new ArrayDeque<>();
    final Backoff backoff;
    long notBeforeNanos;
    boolean inFlight;
    int refusals;
    int perFileWaiting;
    int progressWaiting;
    final Map<String, Summary> openSummaries = new HashMap<>();

    Lane(Backoff backoff) {
      this.backoff = backoff;
    }
  }

  private final AgentApiClient api;
  private final Listener listener;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final OutboxJournal journal;
  private final Path dir;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private long nextOrder;
  private int inFlight;
  private int replayed;

  /** Runs whose final status is queued or being sent (see {@link #terminalPending}). */
  private final Set<Long> terminalUndelivered = ConcurrentHashMap.newKeySet();

  /**
   * @param dir where the journal lives (the agent's state folder); what it holds from a previous
   *     process is queued again, before anything new
   */
  Outbox(
      AgentApiClient api,
      Listener listener,
      Duration backoffBase,
      Duration backoffCap,
      Path dir,
      long compactAboveBytes) {
    this.api = api;
    this.listener = listener;
    this.backoffBase = backoffBase;
    this.backoffCap = backoffCap;
    this.dir = dir;
    try {
      this.journal = OutboxJournal.open(dir, compactAboveBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the outbox journal in " + dir + ": " + e, e);
    }
    replay();
    this.thread = new Thread(this::deliverLoop, "e3-outbox");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  Outbox(
      AgentApiClient api, Listener listener, Duration backoffBase, Duration backoffCap, Path dir) {
    this(api, listener, backoffBase, backoffCap, dir, 1024 * 1024);
  }

  private void replay() {
    for (Map.Entry<Long, ObjectNode> e : journal.pending().entrySet()) {
      Item item;
      try {
        item = fromJson(e.getValue());
      } catch (JsonProcessingException | RuntimeException ex) {
        log.error("outbox.journal_unreadable_item id={} error={}", e.getKey(), ex.toString());
        continue;
      }
      if (item == null) {
        continue;
      }
      item.journalId = e.getKey();
      item.order = nextOrder++;
      lane(item.lane()).items.addLast(item);
      if (item instanceof Update u && u.terminal) {
        terminalUndelivered.add(u.runId);
      }
      replayed++;
    }
    if (replayed > 0) {
      log.info(
          "outbox.replayed items={} lanes={} torn_records={}: queued before the agent stopped,"
              + " delivering now",
          replayed,
          lanes.size(),
          journal.tornRecords());
    }
  }

  private static Item fromJson(ObjectNode n) throws JsonProcessingException {
    long runId = n.path("run_id").asLong(0);
    switch (n.path("kind").asText("")) {
      case "update":
        return new Update(runId, (ObjectNode) n.get("body"), true);
      case "event":
        return new Events(
            runId, List.of(AgentApiClient.JSON.treeToValue(n.get("event"), RunEvent.class)));
      case "summary":
        Summary s =
            new Summary(runId, AgentApiClient.JSON.treeToValue(n.get("event"), RunEvent.class));
        s.count = n.path("count").asLong(0);
        n.path("examples").forEach(x -> s.examples.add(x.asText()));
        return s;
      case "complete":
        return new Completion(
            n.path("command_id").asLong(),
            n.hasNonNull("run_id") ? n.get("run_id").asLong() : null,
            n.path("ok").asBoolean(false),
            n.path("message").asText(""));
      case "nas":
        return new NasStatus(
            n.path("mount_id").asLong(),
            n.path("status").asText(),
            n.hasNonNull("error") ? n.get("error").asText() : null,
            n.hasNonNull("cache_bytes_used") ? n.get("cache_bytes_used").asLong() : null,
            n.hasNonNull("warning") ? n.get("warning").asText() : null);
      default:
        log.warn("outbox.journal_unknown_kind kind={}", n.path("kind").asText());
        return null;
    }
  }

  /** Items found in the journal at start (tests, logs). */
  int replayedCount() {
    return replayed;
  }

  @Override
  public void update(long runId, ObjectNode body, boolean terminal) {
    if (terminal) {
      terminalUndelivered.add(runId);
    }
    offer(new Update(runId, body, terminal));
  }

  /**
   * True while the final status of {@code runId} has not reached the addon yet — also when it was
   * queued by a previous process of this agent. The addon still sees such a run in progress and may
   * hand it back as "reclaimed"; running it again would do the work twice.
   */
  boolean terminalPending(long runId) {
    return terminalUndelivered.contains(runId);
  }

  @Override
  public void event(long runId, RunEvent event) {
    offer(new Events(runId, List.of(event)));
  }

  @Override
  public void finish(long runId, RunEvent closing, ObjectNode body, CommandResult then) {
    List<Item> group = new ArrayList<>(3);
    group.add(new Events(runId, List.of(closing)));
    group.add(new Update(runId, body, true));
    if (then != null) {
      group.add(new Completion(then.commandId(), runId, then.ok(), then.message()));
    }
    terminalUndelivered.add(runId);
    offerTogether(group);
  }

  /**
   * Queues items that must survive a kill together, in one journal record (fsync'd). None of them
   * is merged or coalesced: a run's closing items are lifecycle events, final statuses and
   * completions.
   */
  private void offerTogether(List<Item> group) {
    lock.lock();
    try {
      List<ObjectNode> json = new ArrayList<>(group.size());
      group.forEach(i -> json.add(i.toJson()));
      try {
        long[] ids = journal.appendAll(json, true);
        for (int i = 0; i < ids.length; i++) {
          group.get(i).journalId = ids[i];
        }
      } catch (IOException ex) {
        log.error(
            "outbox.journal_write_failed item={} error={}: kept in memory only",
            group.get(0).describe(),
            ex.toString());
      }
      for (Item item : group) {
        item.order = nextOrder++;
        lane(item.lane()).items.addLast(item);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues {@code agent_complete_command}; durable. With {@code runId} (a restore's run) it is
   * delivered after that run's final status.
   */
  void completeCommand(long commandId, Long runId, boolean ok, String message) {
    offer(new Completion(commandId, runId, ok, message));
  }

  /**
   * Queues {@code cloudnas_update_status}; durable, so a drive's state reported while the addon is
   * away (or just before a kill) still reaches it. Only a mount's latest state matters: one still
   * waiting is replaced, so the cache figures refreshed at the heartbeat's pace leave one item per
   * mount during an outage.
   */
  void nasStatus(long mountId, String status, String error, Long cacheBytesUsed, String warning) {
    offer(new NasStatus(mountId, status, error, cacheBytesUsed, warning));
  }

  /** Queues a delivery that is not kept across a restart. */
  void call(String name, Call call) {
    offer(new Generic(name, call));
  }

  private Lane lane(String key) {
    return lanes.computeIfAbsent(key, k -> new Lane(new Backoff(backoffBase, backoffCap)));
  }

  private void offer(Item item) {
    lock.lock();
    try {
      Lane lane = lane(item.lane());
      if (item instanceof Update u && !u.terminal && mergeIntoTail(lane, u)) {
        return;
      }
      if (item instanceof Events e && coalesceOrDrop(lane, e)) {
        return;
      }
      if (item instanceof NasStatus && lane.items.peekLast() instanceof NasStatus older) {
        lane.items.pollLast(); // the lane is this mount's; what is in it waits, none is in flight
        if (older.journalId > 0) {
          ack(List.of(older.journalId));
        }
      }
      journal(item);
      item.order = nextOrder++;
      lane.items.addLast(item);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A progress update waiting behind another of the same run replaces its fields. */
  private static boolean mergeIntoTail(Lane lane, Update u) {
    Item tail = lane.items.peekLast();
    if (tail instanceof Update t && !t.terminal && !lane.items.isEmpty()) {
      t.body.setAll(u.body);
      return true;
    }
    return false;
  }

  private boolean coalesceOrDrop(Lane lane, Events e) {
    RunEvent ev = e.events.get(0);
    if (isPerFile(ev.code())) {
      Summary open = lane.openSummaries.get(ev.code());
      if (open != null) {
        open.add(ev);
        amend(open);
        return true;
      }
      if (lane.perFileWaiting >= COALESCE_AFTER) {
        Summary s = new Summary(e.runId, ev);
        s.add(ev);
        journal(s);
        s.order = nextOrder++;
        lane.items.addLast(s);
        lane.openSummaries.put(ev.code(), s);
        log.info(
            "outbox.coalescing run_id={} code={}: {} per-file events already wait for the addon",
            e.runId,
            ev.code(),
            lane.perFileWaiting);
        changed.signalAll();
        return true;
      }
      lane.perFileWaiting++;
    } else if ("progress".equals(ev.type())) {
      if (lane.progressWaiting >= PROGRESS_EVENTS_KEPT) {
        log.debug("outbox.progress_event_dropped run_id={} seq={}", e.runId, ev.seq());
        return true;
      }
      lane.progressWaiting++;
    }
    return false;
  }

  private static boolean isPerFile(String code) {
    return EventCodes.FILE_SKIPPED.equals(code) || EventCodes.SYNC_FILE_SKIPPED.equals(code);
  }

  private void journal(Item item) {
    ObjectNode json = item.toJson();
    if (json == null) {
      return;
    }
    try {
      item.journalId = journal.append(json, item.mustSync());
    } catch (IOException ex) {
      // Delivery still works from memory; only crash safety is lost, and the log says so.
      log.error(
          "outbox.journal_write_failed item={} error={}: kept in memory only",
          item.describe(),
          ex.toString());
    }
  }

  private void amend(Item item) {
    if (item.journalId <= 0) {
      return;
    }
    try {
      journal.amend(item.journalId, item.toJson());
    } catch (IOException ex) {
      log.warn("outbox.journal_write_failed item={} error={}", item.describe(), ex.toString());
    }
  }

  int pending() {
    lock.lock();
    try {
      int n = inFlight;
      for (Lane l : lanes.values()) {
        n += l.items.size();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  private boolean idleLocked() {
    if (inFlight > 0) {
      return false;
    }
    for (Lane l : lanes.values()) {
      if (!l.items.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Waits until everything queued so far is delivered (or set aside), at most {@code timeout}. */
  boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!idleLocked()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private enum Result {
    DONE,
    RETRY,
    REFUSED
  }

  private void deliverLoop() {
    while (!closed) {
      Lane lane;
      Batch batch;
      lock.lock();
      try {
        lane = null;
        while (!closed) {
          long now = System.nanoTime();
          long wake = Long.MAX_VALUE;
          for (Lane l : lanes.values()) {
            if (l.items.isEmpty() || l.inFlight) {
              continue;
            }
            if (l.notBeforeNanos - now > 0) {
              wake = Math.min(wake, l.notBeforeNanos - now);
            } else if (lane == null || l.items.peekFirst().order < lane.items.peekFirst().order) {
              lane = l;
            }
          }
          if (lane != null) {
            break;
          }
          if (wake == Long.MAX_VALUE) {
            changed.await();
          } else {
            changed.awaitNanos(wake);
          }
        }
        if (closed) {
          return;
        }
        batch = takeBatch(lane);
        lane.inFlight = true;
        inFlight += batch.items.size();
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      Result result = deliver(batch);
      lock.lock();
      try {
        lane.inFlight = false;
        inFlight -= batch.items.size();
        if (result == Result.REFUSED) {
          lane.refusals++;
          if (lane.refusals >= MAX_REFUSALS) {
            setAside(batch, lane.refusals);
            result = Result.DONE;
          } else {
            result = Result.RETRY;
          }
        }
        if (result == Result.RETRY) {
          // Back in front, in order; this lane waits, the others go on.
          for (int i = batch.items.size() - 1; i >= 0; i--) {
            lane.items.addFirst(batch.items.get(i));
          }
          reopenSummaries(lane, batch);
          Duration wait = lane.backoff.next();
          lane.notBeforeNanos = System.nanoTime() + wait.toNanos();
          log.info(
              "outbox.retry_later item={} attempt={} wait_ms={} queued={}",
              batch.describe(),
              lane.backoff.attempts(),
              wait.toMillis(),
              lane.items.size());
        } else {
          lane.backoff.reset();
          lane.refusals = 0;
          lane.notBeforeNanos = 0;
          List<Long> ids = new ArrayList<>();
          for (Item i : batch.items) {
            forget(lane, i);
            if (i.journalId > 0) {
              ids.add(i.journalId);
            }
          }
          ack(ids);
          // Before the signal: a flush() that returns must already see the status delivered.
          for (Item i : batch.items) {
            if (i instanceof Update u && u.terminal) {
              terminalUndelivered.remove(u.runId);
            }
          }
        }
        if (lane.items.isEmpty() && !lane.inFlight) {
          lanes.values().remove(lane);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * A summary that went out and came back is open again: a newer one started meanwhile for the same
   * code is folded into it, so an outage leaves one summary per code, not one per retry. Caller
   * holds the lock.
   */
  private void reopenSummaries(Lane lane, Batch batch) {
    for (Item i : batch.items) {
      if (!(i instanceof Summary back)) {
        continue;
      }
      Summary newer = lane.openSummaries.put(back.first.code(), back);
      if (newer != null && newer != back) {
        back.count += newer.count;
        for (String ex : newer.examples) {
          if (back.examples.size() < SUMMARY_EXAMPLES) {
            back.examples.add(ex);
          }
        }
        lane.items.remove(newer);
        amend(back);
        if (newer.journalId > 0) {
          ack(List.of(newer.journalId));
        }
      }
    }
  }

  /** Bookkeeping of an item leaving its lane. Caller holds the lock. */
  private static void forget(Lane lane, Item item) {
    if (item instanceof Events e) {
      RunEvent ev = e.events.get(0);
      if (isPerFile(ev.code())) {
        lane.perFileWaiting = Math.max(0, lane.perFileWaiting - e.events.size());
      } else if ("progress".equals(ev.type())) {
        lane.progressWaiting = Math.max(0, lane.progressWaiting - e.events.size());
      }
    }
  }

  private void ack(List<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try {
      journal.ack(ids);
    } catch (IOException ex) {
      log.warn("outbox.journal_ack_failed ids={} error={}", ids.size(), ex.toString());
    }
  }

  /** Items sent together; {@code reason} holds why the addon or our code refused them. */
  private record Batch(List<Item> items, String[] reason) {
    Batch(List<Item> items) {
      this(items, new String[1]);
    }

    String describe() {
      return items.get(0).describe() + (items.size() > 1 ? "+" + (items.size() - 1) : "");
    }
  }

  /** Removes the lane's head and whatever can travel with it. Caller holds the lock. */
  private static Batch takeBatch(Lane lane) {
    List<Item> items = new ArrayList<>();
    Item head = lane.items.pollFirst();
    items.add(head);
    if (head instanceof Summary s) {
      // Its count is final once it is on its way; later per-file events start a new one.
      lane.openSummaries.values().remove(s);
    }
    if (head instanceof Update u && !u.terminal) {
      Iterator<Item> it = lane.items.iterator();
      while (it.hasNext()) {
        Item next = it.next();
        if (next instanceof Update n && !n.terminal) {
          items.add(next);
          it.remove();
        } else {
          break;
        }
      }
    } else if (head instanceof Events || head instanceof Summary) {
      int count = 1;
      Iterator<Item> it = lane.items.iterator();
      while (it.hasNext() && count < MAX_EVENTS_PER_CALL) {
        Item next = it.next();
        if (next instanceof Events || next instanceof Summary) {
          items.add(next);
          if (next instanceof Summary s) {
            lane.openSummaries.values().remove(s);
          }
          count++;
          it.remove();
        } else {
          break;
        }
      }
    }
    return new Batch(items);
  }

  private Result deliver(Batch batch) {
    Item head = batch.items.get(0);
    try {
      send(batch);
      return Result.DONE;
    } catch (ApiException ex) {
      // 401 too: the credentials may be fixed on the addon side; dropping would lose updates.
      if (ex.isTransient() || ex.httpStatus() == 401) {
        log.warn("outbox.deliver_failed item={} error={}", batch.describe(), ex.getMessage());
        return Result.RETRY;
      }
      if (ex.isFailInSuccess()) {
        // Not a 400: the contract never answers 2xx with "fail", so something between us and
        // the addon is wrong for now. Keep the item; set it aside only if it goes on.
        log.warn("outbox.refused_in_2xx item={} error={}", batch.describe(), ex.getMessage());
        batch.reason[0] = ex.getMessage();
        return Result.REFUSED;
      }
      if (ex.httpStatus() == 409
          && (head instanceof Generic || head instanceof Completion || head instanceof NasStatus)) {
        log.info("outbox.already_done item={} message={}", batch.describe(), ex.getMessage());
        return Result.DONE;
      }
      log.warn("outbox.dropped item={} error={}", batch.describe(), ex.getMessage());
      if (head instanceof Update u) {
        listener.onRunRejected(u.runId, ex);
      } else if (head instanceof Events e) {
        listener.onRunRejected(e.runId, ex);
      }
      return Result.DONE;
    } catch (RuntimeException ex) {
      // A bug of ours must not lose a final status: keep it and try again, within reason.
      log.error("outbox.bug item={} error={}", batch.describe(), ex.toString(), ex);
      batch.reason[0] = ex.toString();
      return Result.REFUSED;
    }
  }

  /** Keeps what could not be delivered in a file support can read, rather than dropping it. */
  private void setAside(Batch batch, int attempts) {
    String reason = batch.reason[0];
    StringBuilder lines = new StringBuilder();
    for (Item i : batch.items) {
      ObjectNode n = i.toJson();
      if (n == null) {
        n = AgentApiClient.JSON.createObjectNode();
        n.put("kind", "call");
        n.put("name", i.describe());
      }
      n.put("reason", reason);
      lines.append(n).append('\n');
    }
    try {
      Files.writeString(
          dir.resolve(DEAD_FILE),
          lines.toString(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("outbox.dead_file_write_failed error={}", e.toString());
    }
    log.error(
        "outbox.set_aside item={} attempts={} file={} error={}",
        batch.describe(),
        attempts,
        dir.resolve(DEAD_FILE),
        reason);
  }

  private void send(Batch batch) throws ApiException {
    Item head = batch.items.get(0);
    if (head instanceof Update u) {
      ObjectNode merged = u.body.deepCopy();
      for (int i = 1; i < batch.items.size(); i++) {
        merged.setAll(((Update) batch.items.get(i)).body);
      }
      UpdateRunResponse r = api.updateRun(merged);
      listener.onUpdateAnswer(u.runId, r);
    } else if (head instanceof Events || head instanceof Summary) {
      List<RunEvent> all = new ArrayList<>();
      long runId = 0;
      for (Item i : batch.items) {
        if (i instanceof Events e) {
          all.addAll(e.events);
          runId = e.runId;
        } else if (i instanceof Summary s) {
          all.add(s.toEvent());
          runId = s.runId;
        }
      }
      api.pushEvents(runId, all);
    } else if (head instanceof Completion c) {
      api.completeCommand(c.commandId, c.ok, c.message);
    } else if (head instanceof NasStatus n) {
      api.updateNasStatus(n.mountId, n.status, n.error, n.cacheBytesUsed, n.warning);
    } else {
      ((Generic) head).call.send(api);
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      journal.close();
    } catch (IOException e) {
      log.debug("outbox.journal_close_failed error={}", e.toString());
    } finally {
      lock.unlock();
    }
  }
}
