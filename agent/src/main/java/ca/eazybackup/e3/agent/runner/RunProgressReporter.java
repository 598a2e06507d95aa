package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.RunEvent;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.logging.Redactor;
import ca.eazybackup.e3.agent.progress.EventCodes;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.EventSequence;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.progress.ProgressSnapshot;
import ca.eazybackup.e3.agent.progress.ReportSink;
import ca.eazybackup.e3.agent.progress.RunKind;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runtime's {@link ProgressReporter}. Engine calls only move counters; {@link #tick()}, called
 * by the runtime a few times a second, turns them into at most one {@code agent_update_run} per
 * {@code updateInterval}, a heartbeat when nothing changed for {@code heartbeatInterval}, and a
 * {@code *_PROGRESS} event at most every {@code progressEventInterval}. Engine threads therefore
 * never block on the network.
 */
public final class RunProgressReporter implements ProgressReporter {
  private static final Duration SPEED_WINDOW = Duration.ofSeconds(20);

  private final long runId;
  private final RunKind kind;
  private final ReportSink sink;
  private final Clock clock;
  private final EventSequence seq;
  private final Duration updateInterval;
  private final Duration heartbeatInterval;
  private final Duration progressEventInterval;
  private final String logRef;

  private final AtomicLong filesTotal = new AtomicLong();
  private final AtomicLong bytesTotal = new AtomicLong();
  private final AtomicLong filesDone = new AtomicLong();
  private final AtomicLong bytesDone = new AtomicLong();
  private final AtomicLong filesSkipped = new AtomicLong();
  private final AtomicLong changes = new AtomicLong();
  private volatile boolean totalsFinal;
  private volatile String currentItem;

  // Guarded by this: ticking and finishing state.
  private final Deque<long[]> speedSamples = new ArrayDeque<>();
  private Instant started;
  private Instant lastUpdate;
  private long changesAtLastUpdate = -1;
  private Instant lastProgressEvent;
  private long changesAtLastProgressEvent;
  private boolean finished;
  private long answersCommand;

  public RunProgressReporter(
      long runId,
      RunKind kind,
      ReportSink sink,
      Clock clock,
      EventSequence seq,
      Duration updateInterval,
      Duration heartbeatInterval,
      Duration progressEventInterval,
      String logRef) {
    this.runId = runId;
    this.kind = kind;
    this.sink = sink;
    this.clock = clock;
    this.seq = seq;
    this.updateInterval = updateInterval;
    this.heartbeatInterval = heartbeatInterval;
    this.progressEventInterval = progressEventInterval;
    this.logRef = logRef;
  }

  public long runId() {
    return runId;
  }

  public RunKind kind() {
    return kind;
  }

  /** Reports {@code running} and the {@code *_STARTING} event. */
  public synchronized void start(String message, Map<String, Object> params) {
    started = clock.instant();
    lastProgressEvent = started;
    event(kind.starting(), EventLevel.INFO, message, params);
    sendUpdate(started);
  }

  /**
   * Whether any event of this run was ever numbered, by this process or an earlier one (the
   * sequence is on disk, and the addon's progress_json carries the last seq it saw): a reclaimed
   * run with none was killed before its {@code *_STARTING} went out, so it still owes it.
   */
  public synchronized boolean anyEventNumbered() {
    return seq.last() > 0;
  }

  /**
   * A reclaimed run picked up again: reports {@code running} without a second {@code *_STARTING}
   * (the contract's lifecycle codes come once per run; the caller sends {@code AGENT_RECLAIMED}).
   */
  public synchronized void resume() {
    started = clock.instant();
    lastProgressEvent = started;
    sendUpdate(started);
  }

  // --- ProgressReporter (engine threads) ---

  @Override
  public void scanStarted() {
    totalsFinal = false;
    changes.incrementAndGet();
  }

  @Override
  public void scanFound(long files, long bytes) {
    filesTotal.addAndGet(files);
    bytesTotal.addAndGet(bytes);
    changes.incrementAndGet();
  }

  @Override
  public void scanFinished() {
    totalsFinal = true;
    changes.incrementAndGet();
  }

  @Override
  public void itemStarted(String path) {
    currentItem = path;
    changes.incrementAndGet();
  }

  @Override
  public void bytesDone(long delta) {
    bytesDone.addAndGet(delta);
    changes.incrementAndGet();
  }

  @Override
  public void itemDone(String path) {
    filesDone.incrementAndGet();
    changes.incrementAndGet();
  }

  @Override
  public void itemSkipped(String path, String reason) {
    filesSkipped.incrementAndGet();
    changes.incrementAndGet();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("path", path);
    params.put("reason", reason);
    event(EventCodes.FILE_SKIPPED, EventLevel.WARN, "Skipped " + path + ": " + reason, params);
  }

  /**
   * Events and error summaries are shown to users in the addon: the known secrets (job keys, share
   * passwords) are masked here too, in case an engine put one into a message.
   */
  @Override
  public void event(String code, EventLevel level, String message, Map<String, Object> params) {
    sink.event(runId, numbered(code, level, message, params));
  }

  private RunEvent numbered(
      String code, EventLevel level, String message, Map<String, Object> params) {
    Map<String, Object> safeParams = new LinkedHashMap<>();
    if (params != null) {
      params.forEach((k, v) -> safeParams.put(k, v instanceof String str ? redact(str) : v));
    }
    return new RunEvent(
        seq.next(),
        clock.instant(),
        typeOf(code),
        level.name().toLowerCase(Locale.ROOT),
        code,
        redact(message),
        safeParams);
  }

  private static String redact(String text) {
    return Redactor.global().redact(text);
  }

  @Override
  public ProgressSnapshot snapshot() {
    long bt = bytesTotal.get();
    long bd = bytesDone.get();
    double speed;
    synchronized (this) {
      speed = speedLocked();
    }
    long eta = -1;
    if (speed > 0 && bt > 0 && bd <= bt) {
      eta = (long) Math.ceil((bt - bd) / speed);
    } else if (bt > 0 && bd >= bt && totalsFinal) {
      eta = 0;
    }
    return new ProgressSnapshot(
        filesTotal.get(),
        bt,
        totalsFinal,
        filesDone.get(),
        bd,
        filesSkipped.get(),
        speed,
        eta,
        currentItem);
  }

  // --- runtime side ---

  /** Called periodically by the runtime: sends what is due. */
  public synchronized void tick() {
    if (finished || started == null) {
      return;
    }
    Instant now = clock.instant();
    sampleSpeed(now);
    long c = changes.get();
    boolean changed = c != changesAtLastUpdate;
    Duration sinceUpdate = Duration.between(lastUpdate, now);
    if ((changed && sinceUpdate.compareTo(updateInterval) >= 0)
        || sinceUpdate.compareTo(heartbeatInterval) >= 0) {
      sendUpdate(now);
    }
    if (c != changesAtLastProgressEvent
        && Duration.between(lastProgressEvent, now).compareTo(progressEventInterval) >= 0) {
      lastProgressEvent = now;
      changesAtLastProgressEvent = c;
      ProgressSnapshot s = snapshot();
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("files_done", s.filesDone());
      params.put("bytes_done", s.bytesDone());
      params.put("files_total", s.filesTotal());
      params.put("bytes_total", s.bytesTotal());
      String msg =
          s.filesTotal() > 0
              ? s.filesDone() + " of " + s.filesTotal() + " files"
              : s.filesDone() + " files";
      event(kind.progress(), EventLevel.INFO, msg, params);
    }
  }

  /**
   * The command this run answers (a restore's): its completion is queued with the final status, in
   * the same journal record, so a kill cannot leave the run finished and its command open.
   */
  public synchronized void completesCommand(long commandId) {
    this.answersCommand = commandId;
  }

  /**
   * Sends the closing event, the terminal status and the command's completion (if any), together.
   * Later calls do nothing.
   */
  public synchronized void finish(RunOutcome outcome, long seconds) {
    if (finished) {
      return;
    }
    finished = true;
    ProgressSnapshot s = snapshot();
    RunStatus status = outcome.status();
    String message = outcome.message();
    RunEvent closing =
        switch (status) {
          case SUCCESS, WARNING -> {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("files", s.filesDone());
            params.put("bytes", s.bytesDone());
            params.put("seconds", seconds);
            if (status == RunStatus.WARNING) {
              params.put("files_skipped", s.filesSkipped());
            }
            yield numbered(
                kind.completed(),
                status == RunStatus.WARNING ? EventLevel.WARN : EventLevel.INFO,
                kind.label()
                    + " completed"
                    + (status == RunStatus.WARNING ? " with warnings" : "")
                    + (message == null || message.isBlank() ? "" : ": " + message),
                params);
          }
          case FAILED ->
              numbered(
                  kind.failed(),
                  EventLevel.ERROR,
                  kind.label() + " failed: " + message,
                  Map.of("error", String.valueOf(message)));
          case CANCELLED ->
              numbered(
                  kind.cancelled(),
                  EventLevel.WARN,
                  kind.label() + " cancelled" + (message == null ? "" : ": " + message),
                  Map.of("reason", String.valueOf(message)));
        };
    ObjectNode body = body(s);
    body.put("status", status.wire());
    if (status == RunStatus.SUCCESS && s.bytesTotal() > 0) {
      body.put("progress_pct", 100.0);
    }
    if (status != RunStatus.SUCCESS && message != null) {
      body.put("error_summary", redact(message));
    }
    if (outcome.manifestId() != null) {
      body.put("manifest_id", outcome.manifestId());
    }
    ObjectNode stats = AgentApiClient.JSON.createObjectNode();
    stats.put("files_done", s.filesDone());
    stats.put("bytes_done", s.bytesDone());
    stats.put("files_skipped", s.filesSkipped());
    stats.put("seconds", seconds);
    stats.setAll((ObjectNode) AgentApiClient.JSON.valueToTree(outcome.stats()));
    body.set("stats_json", stats);
    ReportSink.CommandResult then = null;
    if (answersCommand > 0) {
      then =
          new ReportSink.CommandResult(
              answersCommand,
              status == RunStatus.SUCCESS || status == RunStatus.WARNING,
              kind.label().toLowerCase(Locale.ROOT)
                  + " run "
                  + runId
                  + " "
                  + status.wire()
                  + (message == null ? "" : ": " + message));
    }
    sink.finish(runId, closing, body, then);
  }

  private void sendUpdate(Instant now) {
    lastUpdate = now;
    changesAtLastUpdate = changes.get();
    ObjectNode body = body(snapshot());
    body.put("status", "running");
    sink.update(runId, body, false);
  }

  private ObjectNode body(ProgressSnapshot s) {
    ObjectNode b = AgentApiClient.JSON.createObjectNode();
    b.put("run_id", runId);
    b.put("progress_pct", pct(s));
    b.put("bytes_transferred", s.bytesDone());
    b.put("bytes_total", s.bytesTotal());
    b.put("files_done", s.filesDone());
    b.put("files_total", s.filesTotal());
    b.put("speed_bytes_per_sec", Math.round(s.speedBytesPerSec()));
    b.put("eta_seconds", s.etaSeconds());
    if (s.currentItem() != null) {
      b.put("current_item", s.currentItem());
    }
    ObjectNode pj = b.putObject("progress_json");
    pj.put("files_done", s.filesDone());
    pj.put("bytes_done", s.bytesDone());
    pj.put("files_skipped", s.filesSkipped());
    pj.put("files_total", s.filesTotal());
    pj.put("bytes_total", s.bytesTotal());
    pj.put("totals_final", s.totalsFinal());
    pj.put("event_seq", seq.last());
    if (logRef != null) {
      b.put("log_ref", logRef);
    }
    return b;
  }

  private static double pct(ProgressSnapshot s) {
    double p;
    if (s.bytesTotal() > 0) {
      p = 100.0 * s.bytesDone() / s.bytesTotal();
    } else if (s.filesTotal() > 0) {
      p = 100.0 * s.filesDone() / s.filesTotal();
    } else {
      p = 0;
    }
    return Math.round(Math.min(100.0, Math.max(0, p)) * 10) / 10.0;
  }

  private void sampleSpeed(Instant now) {
    long ms = now.toEpochMilli();
    speedSamples.addLast(new long[] {ms, bytesDone.get()});
    while (speedSamples.size() > 2 && ms - speedSamples.peekFirst()[0] > SPEED_WINDOW.toMillis()) {
      speedSamples.removeFirst();
    }
  }

  /** Bytes per second over the moving window (up to 20 s); 0 until a second has passed. */
  private double speedLocked() {
    if (speedSamples.size() < 2) {
      return 0;
    }
    long[] first = speedSamples.peekFirst();
    long[] last = speedSamples.peekLast();
    long dt = last[0] - first[0];
    if (dt < 1000) {
      return 0;
    }
    return (last[1] - first[1]) * 1000.0 / dt;
  }

  private static String typeOf(String code) {
    if (code.endsWith("_PROGRESS")) {
      return "progress";
    }
    if (code.endsWith("_STARTING")
        || code.endsWith("_COMPLETED")
        || code.endsWith("_FAILED")
        || code.endsWith("_CANCELLED")
        || code.equals(EventCodes.AGENT_RECLAIMED)) {
      return "lifecycle";
    }
    return "info";
  }
}
