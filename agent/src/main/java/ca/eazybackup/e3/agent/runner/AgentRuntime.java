package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.AgentCommand;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.api.Backoff;
import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.api.UpdateRunResponse;
import ca.eazybackup.e3.agent.config.AgentConfig;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.logging.Redactor;
import ca.eazybackup.e3.agent.netshare.NetworkShareException;
import ca.eazybackup.e3.agent.netshare.NetworkShareSession;
import ca.eazybackup.e3.agent.progress.EventCodes;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.EventSequence;
import ca.eazybackup.e3.agent.progress.RunKind;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.vss.ShadowLedger;
import ca.eazybackup.e3.agent.vss.VssMode;
import ca.eazybackup.e3.agent.vss.VssSession;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.WindowsHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The agent's main loops. One thread claims runs ({@code agent_next_run}) and executes them one at
 * a time; another polls commands independently, so a cancel, a browse or a restore is served while
 * a backup runs. Engines run on their own threads: the runtime reports a cancelled run within the
 * contract's 5 s even if an engine is slow to notice, and an engine failure ends the run, never the
 * agent. Everything reported to the addon goes through the ordered {@link Outbox}.
 *
 * <p>Why {@code agent_next_run} may be called again after a lost answer: the addon claimed the run
 * for this agent ({@code starting}); the next call does not get it a second time, and once its
 * heartbeat is older than the reclaim grace the addon hands it back with {@code reclaimed=true}. So
 * a repeat can only delay a run, never run it twice. {@code agent_poll_pending_commands} marks the
 * commands delivered and is therefore never repeated after a lost answer; the next regular poll
 * fetches only new commands.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);
  private static final String CANCELLED_BY_USER = "cancelled by user";
  static final String AGENT_STOPPED = "agent stopped";

  private final AgentConfig config;
  private final RuntimeSettings settings;
  private final AgentApiClient api;
  private final EngineRegistry engines;
  private final WindowsHost host;
  private final ShadowLedger shadowLedger;
  private final Duration vssTimeout = vssTimeout();
  private final S3ClientFactory s3;
  private final ca.eazybackup.e3.agent.nas.mount.NasMounts nas;
  private final Clock clock;
  private final Outbox outbox;
  private final CommandHandler commands;
  private final CommandJournal commandJournal;

  private final Map<Long, ActiveRun> active = new ConcurrentHashMap<>();
  private final Set<Long> cancelBeforeStart = ConcurrentHashMap.newKeySet();
  private final RepositoryLocks repositoryLocks = new RepositoryLocks();
  // Bounded: one backup at a time plus restores and maintenance; an engine abandoned after the
  // cancel grace keeps its thread until it stops, so there is room for a few of those too.
  private final ExecutorService engineThreads = bounded("e3-engine", 6, 16);
  private final ExecutorService commandThreads = bounded("e3-command", 4, 64);
  // Cancels have their own threads: a pool full of long restores must not hold a cancel back.
  private final ExecutorService cancelThreads = bounded("e3-cancel", 2, 64);
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(daemon("e3-ticker"));
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private Thread runLoop;
  private Thread commandLoop;

  public AgentRuntime(
      AgentConfig config,
      RuntimeSettings settings,
      AgentApiClient api,
      EngineRegistry engines,
      WindowsHost host,
      S3ClientFactory s3,
      Clock clock) {
    this.config = config;
    this.settings = settings;
    this.api = api;
    this.engines = engines;
    this.host = host;
    this.s3 = s3;
    this.clock = clock;
    Redactor.global().register(config.agentToken());
    this.outbox =
        new Outbox(
            api,
            new AddonAnswers(),
            settings.backoffBase(),
            settings.backoffCap(),
            stateDir().resolve("outbox"));
    this.commandJournal = new CommandJournal(stateDir().resolve("commands"));
    this.shadowLedger = new ShadowLedger(stateDir());
    this.commands = new CommandHandler(this);
    this.nas = NasWiring.mounts(this);
  }

  /** Starts the loops; returns at once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    createDirs();
    pruneOldState();
    removeStaleWorkFolders();
    removeStaleShadowCopies();
    reportInterruptedWork();
    ticker.scheduleWithFixedDelay(
        this::tickAll,
        settings.tickInterval().toMillis(),
        settings.tickInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    runLoop = new Thread(this::runLoop, "e3-run-loop");
    commandLoop = new Thread(this::commandLoop, "e3-command-loop");
    runLoop.start();
    commandLoop.start();
    commandThreads.submit(() -> NasWiring.startUp(this, nas, api));
    log.info(
        "agent.started agent_id={} api={} poll_ms={} heartbeat_ms={} runs_dir={} host={}",
        config.agentId(),
        config.apiBaseUrl(),
        settings.pollInterval().toMillis(),
        settings.heartbeatInterval().toMillis(),
        config.runsDir(),
        host);
  }

  /**
   * Graceful stop (SIGTERM, service stop): no new work, running runs are cancelled and reported
   * {@code cancelled} with "agent stopped", and queued reports get {@code shutdownFlush} to reach
   * the addon.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    log.info("agent.stopping active_runs={}", active.size());
    stopSignal.countDown();
    for (ActiveRun run : active.values()) {
      run.cancellation().cancel(AGENT_STOPPED);
    }
    long waitMs = settings.cancelGrace().toMillis() + 2000;
    for (ActiveRun run : active.values()) {
      try {
        run.done.get(waitMs, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("agent.stop_run_not_finished run_id={}", run.runId());
      }
    }
    join(runLoop, waitMs);
    join(commandLoop, waitMs);
    nas.close();
    boolean flushed = outbox.flush(settings.shutdownFlush());
    log.info("agent.stopped reports_delivered={} reports_left={}", flushed, outbox.pending());
    ticker.shutdownNow();
    engineThreads.shutdownNow();
    commandThreads.shutdownNow();
    cancelThreads.shutdownNow();
    outbox.close();
    commandJournal.close();
    stopped.countDown();
  }

  public void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Cloud NAS drives the tray helper is to map in the signed-in user's session. */
  public List<ca.eazybackup.e3.agent.nas.mount.NasMounts.UserDrive> userSessionDrives() {
    return nas.userSessionDrives();
  }

  /** Ids of the runs now executing (tests, doctor). */
  public Set<Long> activeRunIds() {
    return Set.copyOf(active.keySet());
  }

  // ---------------------------------------------------------------- runs

  private void runLoop() {
    Backoff backoff = new Backoff(settings.backoffBase(), settings.backoffCap());
    while (!stopping.get()) {
      Optional<RunAssignment> next;
      try {
        next = api.nextRun(config.hostname());
        backoff.reset();
      } catch (ApiException e) {
        Duration wait = backoff.next();
        if (e.isTransient()) {
          log.warn(
              "poll.next_run_failed attempt={} wait_ms={} error={}",
              backoff.attempts(),
              wait.toMillis(),
              e.getMessage());
        } else {
          log.error("poll.next_run_refused wait_ms={} error={}", wait.toMillis(), e.getMessage());
        }
        pause(max(wait, settings.pollInterval()));
        continue;
      } catch (RuntimeException e) {
        log.error("poll.next_run_bug error={}", e.toString(), e);
        pause(settings.pollInterval());
        continue;
      }
      if (next.isEmpty()) {
        pause(settings.pollInterval());
        continue;
      }
      RunAssignment run = next.get();
      if (run.runId() == null) {
        log.error("poll.next_run_without_run_id job_id={}", run.jobId());
        pause(settings.pollInterval());
        continue;
      }
      if (active.containsKey(run.runId())) {
        // Our own run handed back while it still runs here (the addon missed heartbeats during
        // an outage): it is alive, so there is nothing to reclaim.
        log.warn("poll.reclaim_of_live_run run_id={}", run.runId());
        pause(settings.pollInterval());
        continue;
      }
      if (outbox.terminalPending(run.runId())) {
        // Finished here during an outage; its final status is still on its way. Running it
        // again would repeat the work; the queued status settles it.
        log.warn("poll.reclaim_of_finished_run run_id={}", run.runId());
        pause(settings.pollInterval());
        continue;
      }
      runBackup(run);
    }
  }

  void runBackup(RunAssignment run) {
    Redactor.Scope secrets = secretsOf(run);
    long runId = run.runId();
    ActiveRun ar = newRun(runId, run.jobId(), RunKind.BACKUP, run.reclaimed(), run.lastProgress());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("engine", String.valueOf(run.engine()));
    params.put("sources", run.sources());
    Optional<Engine> engine = engines.find(run.engine());
    log.info(
        "run.claimed run_id={} job_id={} engine={} reclaimed={}",
        runId,
        run.jobId(),
        run.engine(),
        run.reclaimed());
    execute(
        ar,
        "Backup starting (" + run.engine() + ")",
        params,
        run.reclaimed(),
        RepositoryLocks.keyOf(run),
        secrets,
        toClose -> {
          if (engine.isEmpty()) {
            return () ->
                RunOutcome.failed(
                    "unknown engine '"
                        + run.engine()
                        + "': this agent supports "
                        + engines.names()
                        + "; update the agent or change the job's engine");
          }
          toClose.add(
              NetworkShareSession.open(
                  host.networkShares(), run.sources(), run.networkCredentials(), ar.progress()));
          RunAssignment local = run.withSources(resolveAll(run.sources()));
          VssMode vssMode;
          try {
            vssMode = VssMode.parse(run.vssMode());
          } catch (IllegalArgumentException e) {
            return () -> RunOutcome.failed(e.getMessage());
          }
          // After the shares (closed before them): released as soon as the engine let go.
          VssSession vss =
              VssSession.open(
                  host,
                  vssMode,
                  run.sources(),
                  ar.workDir().resolve("vss"),
                  shadowLedger,
                  vssTimeout,
                  ar.progress());
          toClose.add(vss);
          ar.sourceAccess(vss.access());
          return () -> engine.get().backup(local, ar);
        });
  }

  /** Runs a restore on the calling (command) thread; returns its final status. */
  RunOutcome runRestore(
      long restoreRunId,
      RunAssignment job,
      ca.eazybackup.e3.agent.engine.RestoreRequest request,
      long commandId) {
    Redactor.Scope secrets = secretsOf(job);
    ActiveRun ar = newRun(restoreRunId, job.jobId(), RunKind.RESTORE, false, null);
    ar.reporter().completesCommand(commandId);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("engine", String.valueOf(job.engine()));
    params.put("target_path", String.valueOf(request.targetPath()));
    params.put("manifest_id", String.valueOf(request.manifestId()));
    Optional<Engine> engine = engines.find(job.engine());
    return execute(
        ar,
        "Restore starting (" + job.engine() + ")",
        params,
        false,
        RepositoryLocks.keyOf(job),
        secrets,
        toClose -> {
          if (engine.isEmpty()) {
            return () ->
                RunOutcome.failed(
                    "unknown engine '"
                        + job.engine()
                        + "': this agent supports "
                        + engines.names());
          }
          List<String> paths = new ArrayList<>(job.sources());
          if (request.targetPath() != null && !request.targetPath().isBlank()) {
            paths.add(request.targetPath());
          }
          toClose.add(
              NetworkShareSession.open(
                  host.networkShares(), paths, job.networkCredentials(), ar.progress()));
          String target =
              request.targetPath() == null || request.targetPath().isBlank()
                  ? request.targetPath()
                  : host.resolve(request.targetPath()).toString();
          var localRequest =
              new ca.eazybackup.e3.agent.engine.RestoreRequest(
                  request.manifestId(),
                  target,
                  request.paths(),
                  request.overwrite(),
                  request.deleteExtra());
          RunAssignment localJob = job.withSources(resolveAll(job.sources()));
          return () -> engine.get().restore(localJob, localRequest, ar);
        });
  }

  /** The engine's part of a run, executed on an engine thread. */
  interface EngineCall {
    RunOutcome run() throws Exception;
  }

  /**
   * What runs on the runtime's thread before the engine: log on to shares (added to {@code
   * toClose}, closed after the engine returned or was abandoned, before the final status) and
   * resolve paths.
   */
  interface Preparation {
    EngineCall prepare(List<AutoCloseable> toClose) throws Exception;
  }

  private ActiveRun newRun(
      long runId,
      long jobId,
      RunKind kind,
      boolean reclaimed,
      com.fasterxml.jackson.databind.JsonNode lastProgress) {
    long seqFloor = lastProgress == null ? 0 : lastProgress.path("event_seq").asLong(0);
    EventSequence seq =
        EventSequence.persistent(stateDir().resolve("run_" + runId + ".seq"), seqFloor);
    RunProgressReporter reporter =
        new RunProgressReporter(
            runId,
            kind,
            outbox,
            clock,
            seq,
            settings.updateInterval(),
            settings.heartbeatInterval(),
            settings.progressEventInterval(),
            config.runsDir().resolve("run_" + runId + ".log").toString());
    Path workDir = config.runsDir().resolve("work").resolve("run_" + runId);
    Path jobCache = config.kopiaCacheDir().resolve("job_" + jobId);
    return new ActiveRun(runId, reporter, workDir, jobCache, s3, clock);
  }

  private RunOutcome execute(
      ActiveRun ar,
      String startMessage,
      Map<String, Object> startParams,
      boolean reclaimed,
      String repositoryKey,
      Redactor.Scope secrets,
      Preparation preparation) {
    long runId = ar.runId();
    String previousMdc = MDC.get("run_id");
    MDC.put("run_id", Long.toString(runId));
    Instant t0 = clock.instant();
    RunOutcome outcome;
    CompletableFuture<Void> engineEnded = CompletableFuture.completedFuture(null);
    List<AutoCloseable> deferredClose = null;
    active.put(runId, ar);
    try {
      if (cancelBeforeStart.remove(runId)) {
        ar.cancellation().cancel(CANCELLED_BY_USER);
      }
      if (stopping.get()) {
        ar.cancellation().cancel(AGENT_STOPPED);
      }
      ar.cancellation()
          .onCancel(
              () ->
                  log.info(
                      "run.cancel_requested run_id={} reason={}",
                      runId,
                      ar.cancellation().reason()));
      if (reclaimed && ar.reporter().anyEventNumbered()) {
        ar.reporter().resume(); // BACKUP_STARTING went out in the run's first pickup
      } else {
        // A first pickup, or one killed between its claim and its BACKUP_STARTING (the kill loop
        // found such a run ending with no BACKUP_STARTING at all): the lifecycle code comes once.
        ar.reporter().start(startMessage, startParams);
      }
      if (reclaimed) {
        ar.reporter()
            .event(
                EventCodes.AGENT_RECLAIMED,
                EventLevel.WARN,
                "Run reclaimed after the agent was interrupted; restarting it",
                Map.of("run_id", runId));
      }
      prepareDirs(ar);
      List<AutoCloseable> toClose = new ArrayList<>();
      try {
        // First in the list, so closed last: held until the engine has let go of everything.
        toClose.add(lockRepository(ar, repositoryKey));
        EngineTask task = submit(ar, preparation.prepare(toClose));
        engineEnded = task.ended();
        outcome = awaitEngine(ar, task);
      } catch (Exception e) {
        outcome = failure(ar, e);
      } finally {
        if (engineEnded.isDone()) {
          closeAll(runId, toClose);
        } else {
          deferredClose = toClose;
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("run.runtime_bug run_id={} error={}", runId, e.toString(), e);
      outcome = RunOutcome.failed("agent error: " + describe(e));
    }
    long seconds = Duration.between(t0, clock.instant()).toSeconds();
    try {
      ar.reporter().finish(outcome, seconds);
    } finally {
      // The run's secrets stay masked until its final status is written and logged and its
      // engine has stopped (an abandoned engine may still log), then they are let go of.
      if (deferredClose == null) {
        deleteQuietly(ar.workDir());
      } else {
        deferredClose.add(0, secrets);
        cleanUpWhenTheEngineStops(ar, engineEnded, deferredClose);
      }
      active.remove(runId);
      ar.done.complete(outcome.status());
      log.info(
          "run.finished run_id={} status={} seconds={} message={}",
          runId,
          outcome.status().wire(),
          seconds,
          outcome.message());
      if (deferredClose == null) {
        secrets.close();
      }
      if (previousMdc == null) {
        MDC.remove("run_id");
      } else {
        MDC.put("run_id", previousMdc);
      }
    }
    return outcome;
  }

  private static void closeAll(long runId, List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("run.close_failed run_id={} error={}", runId, e.toString());
      }
    }
  }

  /**
   * An engine call on its thread; {@code ended} completes when that thread is done with it (or it
   * was cancelled before it started), which may be long after the run was reported cancelled.
   */
  private record EngineTask(
      Future<RunOutcome> future, CompletableFuture<Void> ended, AtomicBoolean claimed) {
    /** After {@code future.cancel}: a call that never started will never end by itself. */
    void abandon() {
      future.cancel(true);
      if (claimed.compareAndSet(false, true)) {
        ended.complete(null);
      }
    }
  }

  private EngineTask submit(ActiveRun ar, EngineCall call) {
    String runId = Long.toString(ar.runId());
    CompletableFuture<Void> ended = new CompletableFuture<>();
    AtomicBoolean claimed = new AtomicBoolean();
    Future<RunOutcome> future;
    try {
      future =
          engineThreads.submit(
              () -> {
                if (!claimed.compareAndSet(false, true)) {
                  return RunOutcome.cancelled(ar.cancellation().reason());
                }
                MDC.put("run_id", runId);
                try {
                  return call.run();
                } finally {
                  MDC.remove("run_id");
                  ended.complete(null);
                }
              });
    } catch (RejectedExecutionException e) {
      ended.complete(null);
      throw new IllegalStateException(
          "the agent is busy: too many runs are executing or stopping; try again later", e);
    }
    return new EngineTask(future, ended, claimed);
  }

  /**
   * Takes the run's repository, waiting (and saying so) while another run of it executes here:
   * backup, restore and maintenance of one repository never overlap.
   */
  private AutoCloseable lockRepository(ActiveRun ar, String key) throws Exception {
    if (key == null) {
      return () -> {};
    }
    return repositoryLocks.acquire(
        key,
        ar.cancellation(),
        () -> {
          log.info("run.waiting_for_repository run_id={} repository={}", ar.runId(), key);
          ar.reporter()
              .event(
                  EventCodes.RUN_WAITING_FOR_REPOSITORY,
                  EventLevel.INFO,
                  "Waiting for another run of the same repository to finish",
                  Map.of());
        });
  }

  /**
   * The engine did not stop within the cancel grace and was abandoned: its shares, work folder and
   * repository stay as they are until its thread really ends, so nothing is deleted or logged off
   * under a running writer. (If the agent stops first, the next start removes the folder.)
   */
  private void cleanUpWhenTheEngineStops(
      ActiveRun ar, CompletableFuture<Void> engineEnded, List<AutoCloseable> toClose) {
    log.warn(
        "run.cleanup_deferred run_id={} work_dir={}: the engine has not stopped yet; its shares,"
            + " work folder and repository lock are kept until it does",
        ar.runId(),
        ar.workDir());
    engineEnded.whenComplete(
        (v, e) -> {
          closeAll(ar.runId(), toClose);
          deleteQuietly(ar.workDir());
          log.info("run.cleanup_done run_id={} after_engine_stopped=true", ar.runId());
        });
  }

  private RunOutcome awaitEngine(ActiveRun ar, EngineTask task) {
    Future<RunOutcome> future = task.future();
    while (true) {
      try {
        return checked(ar, future.get(100, TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        if (ar.cancellation().isCancelled()) {
          return awaitCancelled(ar, task);
        }
      } catch (ExecutionException e) {
        return failure(ar, e.getCause());
      } catch (CancellationException e) {
        return RunOutcome.cancelled(ar.cancellation().reason());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ar.cancellation().cancel(AGENT_STOPPED);
        task.abandon();
        return RunOutcome.cancelled(AGENT_STOPPED);
      }
    }
  }

  /** The run was cancelled: give the engine the grace time, then abandon it. */
  private RunOutcome awaitCancelled(ActiveRun ar, EngineTask task) {
    Future<RunOutcome> future = task.future();
    try {
      return checked(ar, future.get(settings.cancelGrace().toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      log.warn(
          "run.engine_slow_to_cancel run_id={} grace_ms={}: interrupting it",
          ar.runId(),
          settings.cancelGrace().toMillis());
      task.abandon();
      return RunOutcome.cancelled(ar.cancellation().reason());
    } catch (ExecutionException e) {
      return failure(ar, e.getCause());
    } catch (CancellationException e) {
      return RunOutcome.cancelled(ar.cancellation().reason());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.abandon();
      return RunOutcome.cancelled(ar.cancellation().reason());
    }
  }

  private static RunOutcome checked(ActiveRun ar, RunOutcome outcome) {
    if (outcome == null) {
      return RunOutcome.failed("the engine returned no outcome");
    }
    boolean finished =
        outcome.status() == RunStatus.SUCCESS || outcome.status() == RunStatus.WARNING;
    if (ar.cancellation().isCancelled() && !finished) {
      return new RunOutcome(
          RunStatus.CANCELLED, ar.cancellation().reason(), outcome.stats(), outcome.manifestId());
    }
    return outcome;
  }

  private static RunOutcome failure(ActiveRun ar, Throwable cause) {
    if (cause instanceof RunCancelledException || ar.cancellation().isCancelled()) {
      String reason = ar.cancellation().reason();
      return RunOutcome.cancelled(reason != null ? reason : cause.getMessage());
    }
    if (cause instanceof NetworkShareException) {
      log.warn("run.network_share_failed run_id={} error={}", ar.runId(), cause.getMessage());
      return RunOutcome.failed(cause.getMessage());
    }
    if (cause instanceof ShimException) {
      log.warn("run.source_unavailable run_id={} error={}", ar.runId(), cause.getMessage());
      return RunOutcome.failed(cause.getMessage());
    }
    log.error("run.engine_failed run_id={} error={}", ar.runId(), cause.toString(), cause);
    return RunOutcome.failed(describe(cause));
  }

  static String describe(Throwable t) {
    String msg = t.getMessage();
    return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
  }

  private List<String> resolveAll(List<String> paths) throws ShimException {
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      try {
        out.add(host.resolve(p).toString());
      } catch (ShimException e) {
        throw new ShimException("cannot access source '" + p + "': " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** The job's keys and passwords, masked in every log line until the scope is closed. */
  static Redactor.Scope secretsOf(RunAssignment run) {
    if (run == null) {
      return Redactor.global().scope();
    }
    return Redactor.global()
        .scope(
            run.destAccessKey(),
            run.destSecretKey(),
            run.repositoryPassword(),
            run.networkCredentials() == null ? null : run.networkCredentials().password());
  }

  // ---------------------------------------------------------------- commands

  private void commandLoop() {
    Backoff backoff = new Backoff(settings.backoffBase(), settings.backoffCap());
    while (!stopping.get()) {
      List<AgentCommand> pending;
      try {
        pending = api.pollCommands();
        backoff.reset();
      } catch (ApiException e) {
        // Not repeated at once: a lost answer means the commands were marked delivered already.
        Duration wait = backoff.next();
        log.warn("poll.commands_failed wait_ms={} error={}", wait.toMillis(), e.getMessage());
        pause(max(wait, settings.pollInterval()));
        continue;
      } catch (RuntimeException e) {
        log.error("poll.commands_bug error={}", e.toString(), e);
        pause(settings.pollInterval());
        continue;
      }
      List<AgentCommand> fresh = new ArrayList<>();
      List<Long> acknowledge = new ArrayList<>();
      for (AgentCommand c : pending) {
        log.info(
            "command.received command_id={} type={} run_id={}", c.commandId(), c.type(), c.runId());
        CommandJournal.Received r =
            commandJournal.receive(
                c, CommandHandler.restoreRunIdOrNull(c), CommandHandler.tracked(c.type()));
        if (r.durable()) {
          acknowledge.add(c.commandId());
        }
        if (r.fresh()) {
          fresh.add(c);
        } else {
          // The addon handed it out again (our acknowledgement never reached it): it runs, or ran,
          // here already.
          log.info("command.duplicate command_id={} type={}", c.commandId(), c.type());
        }
      }
      acknowledge(acknowledge);
      for (AgentCommand c : fresh) {
        try {
          ExecutorService pool = "cancel".equals(c.type()) ? cancelThreads : commandThreads;
          pool.execute(() -> commands.handle(c));
        } catch (RejectedExecutionException e) {
          // Delivered already: it must be completed, or the addon shows it pending forever.
          log.error("command.rejected command_id={} error={}", c.commandId(), e.toString());
          outbox.completeCommand(
              c.commandId(),
              null,
              false,
              "the agent is busy with too many commands; send it again later");
          commandJournal.end(c.commandId());
        }
      }
      pause(settings.pollInterval());
    }
  }

  /**
   * Tells the addon the commands are on disk. Not retried: an acknowledgement lost only means the
   * addon hands the command out again after its lease, and the journal drops it then (and it is
   * acknowledged again).
   */
  private void acknowledge(List<Long> commandIds) {
    if (commandIds.isEmpty()) {
      return;
    }
    try {
      api.ackCommands(commandIds);
      log.debug("command.acknowledged command_ids={}", commandIds);
    } catch (ApiException e) {
      log.warn("command.ack_failed command_ids={} error={}", commandIds, e.getMessage());
    } catch (RuntimeException e) {
      log.error("command.ack_bug error={}", e.toString(), e);
    }
  }

  /** Cancels {@code runId} if it runs here, else remembers it so it never starts here. */
  Optional<ActiveRun> cancelRun(long runId, String reason) {
    ActiveRun run = active.get(runId);
    if (run == null) {
      cancelBeforeStart.add(runId);
      return Optional.empty();
    }
    run.cancellation().cancel(reason);
    return Optional.of(run);
  }

  String cancelledByUser() {
    return CANCELLED_BY_USER;
  }

  Outbox outbox() {
    return outbox;
  }

  CommandJournal commandJournal() {
    return commandJournal;
  }

  /**
   * Restores and maintenance that were executing when the previous process was killed: reported
   * failed at once ("agent restarted"), with their command completed, so the addon does not wait
   * for its watchdog. A restore whose final status is still queued from before finished and is left
   * to that status.
   */
  private void reportInterruptedWork() {
    for (CommandJournal.Left left : commandJournal.leftOver()) {
      String what = left.type().startsWith("maintenance") ? "maintenance" : left.type();
      String message =
          what + " interrupted: the agent restarted while it ran; start it again to finish it";
      Long runId = left.runId();
      if (runId != null && outbox.terminalPending(runId)) {
        log.info(
            "agent.interrupted_work_already_finished command_id={} run_id={}",
            left.commandId(),
            runId);
      } else {
        if (runId != null) {
          RunProgressReporter reporter =
              new RunProgressReporter(
                  runId,
                  "restore".equals(left.type()) ? RunKind.RESTORE : RunKind.MAINTENANCE,
                  outbox,
                  clock,
                  EventSequence.persistent(stateDir().resolve("run_" + runId + ".seq"), 0),
                  settings.updateInterval(),
                  settings.heartbeatInterval(),
                  settings.progressEventInterval(),
                  config.runsDir().resolve("run_" + runId + ".log").toString());
          reporter.completesCommand(left.commandId());
          reporter.finish(RunOutcome.failed(message), 0);
        } else {
          outbox.completeCommand(left.commandId(), null, false, message);
        }
        log.warn(
            "agent.interrupted_work_reported command_id={} type={} run_id={}",
            left.commandId(),
            left.type(),
            runId);
      }
      commandJournal.end(left.commandId());
    }
  }

  RepositoryLocks repositoryLocks() {
    return repositoryLocks;
  }

  EngineRegistry engines() {
    return engines;
  }

  WindowsHost host() {
    return host;
  }

  RuntimeSettings settings() {
    return settings;
  }

  AgentConfig config() {
    return config;
  }

  S3ClientFactory s3() {
    return s3;
  }

  ca.eazybackup.e3.agent.nas.mount.NasMounts nas() {
    return nas;
  }

  Clock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- plumbing

  /** Reacts to the addon's answers to progress updates. */
  private final class AddonAnswers implements Outbox.Listener {
    @Override
    public void onUpdateAnswer(long runId, UpdateRunResponse response) {
      ActiveRun run = active.get(runId);
      if (run == null) {
        return;
      }
      if (response.cancelRequested()) {
        run.cancellation().cancel(CANCELLED_BY_USER);
      }
    }

    @Override
    public void onRunRejected(long runId, ApiException error) {
      ActiveRun run = active.get(runId);
      if (run != null && (error.httpStatus() == 409 || error.httpStatus() == 404)) {
        run.cancellation()
            .cancel("the addon no longer accepts this run (" + error.getMessage() + ")");
      }
    }
  }

  private void tickAll() {
    for (ActiveRun run : active.values()) {
      try {
        run.reporter().tick();
      } catch (RuntimeException e) {
        log.error("progress.tick_failed run_id={} error={}", run.runId(), e.toString(), e);
      }
    }
  }

  private void pause(Duration d) {
    try {
      stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.set(true);
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private Path stateDir() {
    return config.runsDir().resolve("state");
  }

  private void createDirs() {
    for (Path p : List.of(config.runsDir(), stateDir(), config.kopiaCacheDir())) {
      try {
        Files.createDirectories(p);
      } catch (IOException e) {
        log.warn("agent.dir_unavailable dir={} error={}", p, e.toString());
      }
    }
  }

  private static void prepareDirs(ActiveRun ar) {
    try {
      Files.createDirectories(ar.workDir());
      Files.createDirectories(ar.jobCacheDir());
    } catch (IOException e) {
      log.warn("run.dir_unavailable run_id={} error={}", ar.runId(), e.toString());
    }
  }

  /** Event sequences older than the watchdog's reach can never be reclaimed again. */
  private void pruneOldState() {
    Instant cutoff = clock.instant().minus(Duration.ofDays(7));
    try (Stream<Path> files = Files.list(stateDir())) {
      files
          .filter(p -> p.getFileName().toString().endsWith(".seq"))
          .filter(
              p -> {
                try {
                  return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
                } catch (IOException e) {
                  return false;
                }
              })
          .forEach(AgentRuntime::deleteQuietly);
    } catch (IOException e) {
      log.debug("agent.prune_state_failed error={}", e.toString());
    }
  }

  private static void deleteQuietly(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  log.debug("run.cleanup_failed path={} error={}", p, e.toString());
                }
              });
    } catch (IOException e) {
      log.debug("run.cleanup_failed path={} error={}", path, e.toString());
    }
  }

  private static void join(Thread t, long millis) {
    if (t == null) {
      return;
    }
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ExecutorService bounded(String prefix, int threads, int queue) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(queue),
            daemon(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Scratch folders ({@code runs/work/run_N}, {@code command_N}) left by runs the agent was killed
   * in: at start nothing runs, so every one of them is stale.
   */
  private void removeStaleWorkFolders() {
    Path work = config.runsDir().resolve("work");
    if (!Files.isDirectory(work)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(work)) {
      for (Path p : dirs.toList()) {
        deleteQuietly(p);
        log.info("agent.stale_work_removed path={}", p);
      }
    } catch (IOException e) {
      log.warn("agent.stale_work_cleanup_failed dir={} error={}", work, e.toString());
    }
  }

  /**
   * Shadow copies a killed run left (listed in the state folder's ledger): nothing runs at start,
   * so none of them is in use, and each holds shadow storage until deleted.
   */
  private void removeStaleShadowCopies() {
    List<String> deleted = shadowLedger.cleanUp(host.shadowCopies());
    if (!deleted.isEmpty()) {
      log.info("agent.stale_shadow_copies_deleted count={} ids={}", deleted.size(), deleted);
    }
  }

  /** How long a backup waits for VSS to make one shadow copy ({@code e3.vss.timeout}, ISO-8601). */
  static Duration vssTimeout() {
    String v = System.getProperty("e3.vss.timeout");
    return v == null || v.isBlank() ? VssSession.DEFAULT_TIMEOUT : Duration.parse(v);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
