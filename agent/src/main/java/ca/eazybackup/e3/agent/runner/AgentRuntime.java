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
import ca.eazybackup.e3.agent.progress.RunProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
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
  private final S3ClientFactory s3;
  private final Clock clock;
  private final Outbox outbox;
  private final CommandHandler commands;
  private final ca.eazybackup.e3.agent.nas.mount.NasMounts nas;

  private final Map<Long, ActiveRun> active = new ConcurrentHashMap<>();
  private final Set<Long> cancelBeforeStart = ConcurrentHashMap.newKeySet();
  private final ExecutorService engineThreads = Executors.newCachedThreadPool(daemon("e3-engine"));
  private final ExecutorService commandThreads =
      Executors.newCachedThreadPool(daemon("e3-command"));
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
    outbox.close();
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
    registerSecrets(run);
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
          return () -> engine.get().backup(local, ar);
        });
  }

  /** Runs a restore on the calling (command) thread; returns its final status. */
  RunOutcome runRestore(
      long restoreRunId, RunAssignment job, ca.eazybackup.e3.agent.engine.RestoreRequest request) {
    registerSecrets(job);
    ActiveRun ar = newRun(restoreRunId, job.jobId(), RunKind.RESTORE, false, null);
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
      Preparation preparation) {
    long runId = ar.runId();
    String previousMdc = MDC.get("run_id");
    MDC.put("run_id", Long.toString(runId));
    Instant t0 = clock.instant();
    RunOutcome outcome;
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
      ar.reporter().start(startMessage, startParams);
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
        outcome = awaitEngine(ar, submit(ar, preparation.prepare(toClose)));
      } catch (Exception e) {
        outcome = failure(ar, e);
      } finally {
        closeAll(runId, toClose);
      }
    } catch (RuntimeException | Error e) {
      log.error("run.runtime_bug run_id={} error={}", runId, e.toString(), e);
      outcome = RunOutcome.failed("agent error: " + describe(e));
    }
    long seconds = Duration.between(t0, clock.instant()).toSeconds();
    try {
      ar.reporter().finish(outcome, seconds);
    } finally {
      deleteQuietly(ar.workDir());
      active.remove(runId);
      ar.done.complete(outcome.status());
      log.info(
          "run.finished run_id={} status={} seconds={} message={}",
          runId,
          outcome.status().wire(),
          seconds,
          outcome.message());
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

  private Future<RunOutcome> submit(ActiveRun ar, EngineCall call) {
    String runId = Long.toString(ar.runId());
    return engineThreads.submit(
        () -> {
          MDC.put("run_id", runId);
          try {
            return call.run();
          } finally {
            MDC.remove("run_id");
          }
        });
  }

  private RunOutcome awaitEngine(ActiveRun ar, Future<RunOutcome> future) {
    while (true) {
      try {
        return checked(ar, future.get(100, TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        if (ar.cancellation().isCancelled()) {
          return awaitCancelled(ar, future);
        }
      } catch (ExecutionException e) {
        return failure(ar, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ar.cancellation().cancel(AGENT_STOPPED);
        future.cancel(true);
        return RunOutcome.cancelled(AGENT_STOPPED);
      }
    }
  }

  /** The run was cancelled: give the engine the grace time, then abandon it. */
  private RunOutcome awaitCancelled(ActiveRun ar, Future<RunOutcome> future) {
    try {
      return checked(ar, future.get(settings.cancelGrace().toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      log.warn(
          "run.engine_slow_to_cancel run_id={} grace_ms={}: interrupting it",
          ar.runId(),
          settings.cancelGrace().toMillis());
      future.cancel(true);
      return RunOutcome.cancelled(ar.cancellation().reason());
    } catch (ExecutionException e) {
      return failure(ar, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
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

  private static void registerSecrets(RunAssignment run) {
    Redactor r = Redactor.global();
    r.register(run.destAccessKey());
    r.register(run.destSecretKey());
    r.register(run.repositoryPassword());
    if (run.networkCredentials() != null) {
      r.register(run.networkCredentials().password());
    }
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
      for (AgentCommand c : pending) {
        log.info(
            "command.received command_id={} type={} run_id={}", c.commandId(), c.type(), c.runId());
        try {
          commandThreads.execute(() -> commands.handle(c));
        } catch (RuntimeException e) {
          log.error("command.rejected command_id={} error={}", c.commandId(), e.toString());
        }
      }
      pause(settings.pollInterval());
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

  ca.eazybackup.e3.agent.nas.mount.NasMounts nas() {
    return nas;
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

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
