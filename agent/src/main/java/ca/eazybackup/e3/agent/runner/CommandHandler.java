package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentCommand;
import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.browse.BrowseException;
import ca.eazybackup.e3.agent.browse.FilesystemBrowser;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.logging.Redactor;
import ca.eazybackup.e3.agent.nas.mount.NasMounts;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.progress.ProgressSnapshot;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Serves one command of {@code agent_poll_pending_commands} on a command thread and completes it
 * through the outbox (so a restore's completion arrives after its run's final status). A failing
 * handler completes its command as failed; it never takes the agent down.
 */
final class CommandHandler {
  private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

  private final AgentRuntime runtime;

  CommandHandler(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  void handle(AgentCommand command) {
    MDC.put("command_id", Long.toString(command.commandId()));
    try {
      switch (String.valueOf(command.type())) {
        case "cancel" -> cancel(command);
        case "restore" -> recorded(command, restoreRunId(command), () -> restore(command));
        case "maintenance_quick" ->
            recorded(command, null, () -> maintain(command, MaintenanceMode.QUICK));
        case "maintenance_full" ->
            recorded(command, null, () -> maintain(command, MaintenanceMode.FULL));
        case "verify" -> recorded(command, null, () -> verify(command));
        case "browse_directory" -> browse(command);
        case "snapshot_browse", "snapshot_diff" ->
            new SnapshotCommands(runtime)
                .handle(command, new CommandContext(runtime, command, command.job()));
        case "nas_mount" -> nas(command, runtime.nas().mount(command.payload()));
        case "nas_unmount" -> nas(command, runtime.nas().unmount(command.payload()));
        case "nas_mount_snapshot" ->
            nas(
                command,
                runtime
                    .nas()
                    .mountSnapshot(command.payload(), new SnapshotCommands(runtime)::openForMount));
        default ->
            complete(
                command,
                false,
                "unknown command type '" + command.type() + "': this agent cannot run it");
      }
    } catch (RuntimeException | Error e) {
      log.error(
          "command.failed command_id={} type={} error={}",
          command.commandId(),
          command.type(),
          e.toString(),
          e);
      complete(command, false, command.type() + " failed: " + AgentRuntime.describe(e));
    } finally {
      MDC.remove("command_id");
    }
  }

  /** Long commands: open in the {@link CommandJournal} from receipt until their completion. */
  static boolean tracked(String type) {
    return switch (String.valueOf(type)) {
      case "restore", "maintenance_quick", "maintenance_full", "verify" -> true;
      default -> false;
    };
  }

  /** The restore run a restore command reports on; null for other commands. */
  static Long restoreRunIdOrNull(AgentCommand command) {
    return "restore".equals(command.type()) ? restoreRunId(command) : null;
  }

  /**
   * Runs a long command whose record the command loop opened on disk at receipt (see {@link
   * CommandJournal}), so a kill -9 midway is reported when the agent is back. A failure still
   * completes it (as {@link #handle} does) before the record closes.
   */
  private void recorded(AgentCommand command, Long runId, Runnable work) {
    // The job's secrets are masked while the command runs and while its failure is logged.
    try (Redactor.Scope secrets = AgentRuntime.secretsOf(command.job())) {
      try {
        work.run();
      } catch (RuntimeException | Error e) {
        log.error(
            "command.failed command_id={} type={} error={}",
            command.commandId(),
            command.type(),
            e.toString(),
            e);
        complete(command, runId, false, command.type() + " failed: " + AgentRuntime.describe(e));
      }
    } finally {
      runtime.commandJournal().end(command.commandId());
    }
  }

  private static Long restoreRunId(AgentCommand command) {
    JsonNode p = command.payload();
    if (p != null && p.hasNonNull("restore_run_id")) {
      return p.get("restore_run_id").asLong();
    }
    if (command.job() != null && command.job().runId() != null) {
      return command.job().runId();
    }
    return command.runId();
  }

  private void cancel(AgentCommand command) {
    Long runId = command.runId();
    if (runId == null) {
      complete(command, false, "cancel names no run_id");
      return;
    }
    Optional<ActiveRun> run = runtime.cancelRun(runId, runtime.cancelledByUser());
    if (run.isEmpty()) {
      complete(command, true, "run " + runId + " is not running on this agent; it will not start");
      return;
    }
    long waitMs = runtime.settings().cancelGrace().toMillis() + 1000;
    try {
      RunStatus status = run.get().done.get(waitMs, TimeUnit.MILLISECONDS);
      complete(command, true, "run " + runId + " " + status.wire());
    } catch (TimeoutException e) {
      complete(command, true, "run " + runId + " is stopping");
    } catch (ExecutionException e) {
      complete(command, false, "run " + runId + " cancel failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      complete(command, true, "run " + runId + " is stopping");
    }
  }

  private void restore(AgentCommand command) {
    RunAssignment job = command.job();
    JsonNode p = command.payload();
    long restoreRunId =
        p.hasNonNull("restore_run_id")
            ? p.get("restore_run_id").asLong()
            : job != null && job.runId() != null
                ? job.runId()
                : command.runId() == null ? 0 : command.runId();
    if (job == null || restoreRunId <= 0) {
      complete(command, false, "restore command without job context or restore_run_id");
      return;
    }
    List<String> paths = new ArrayList<>();
    p.path("paths").forEach(n -> paths.add(n.asText()));
    RestoreRequest request =
        new RestoreRequest(
            text(p, "manifest_id"),
            text(p, "target_path"),
            paths,
            text(p, "overwrite"),
            p.path("delete_extra").asBoolean(false));
    // The run's final report completes the command too (one journal record, see ReportSink).
    RunOutcome outcome = runtime.runRestore(restoreRunId, job, request, command.commandId());
    log.info(
        "command.completed command_id={} type=restore ok={} result=restore run {} {}",
        command.commandId(),
        outcome.status() == RunStatus.SUCCESS || outcome.status() == RunStatus.WARNING,
        restoreRunId,
        outcome.status().wire());
  }

  private void maintain(AgentCommand command, MaintenanceMode mode) {
    RunAssignment job = command.job();
    if (job == null) {
      complete(command, false, "maintenance command without job context");
      return;
    }
    Optional<Engine> engine = runtime.engines().find(job.engine());
    if (engine.isEmpty()) {
      complete(command, false, "unknown engine '" + job.engine() + "' for maintenance");
      return;
    }
    log.info(
        "maintenance.starting command_id={} job_id={} mode={}",
        command.commandId(),
        job.jobId(),
        mode);
    RunOutcome outcome;
    CommandContext ctx = new CommandContext(runtime, command, job);
    // Never beside a backup or restore of the same repository: wait for it.
    try (RepositoryLocks.Lease lease =
        runtime
            .repositoryLocks()
            .acquire(
                RepositoryLocks.keyOf(job),
                ctx.cancellation(),
                () ->
                    log.info(
                        "maintenance.waiting_for_repository command_id={} job_id={}",
                        command.commandId(),
                        job.jobId()))) {
      outcome = engine.get().maintain(job, mode, ctx);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = RunOutcome.cancelled(AgentRuntime.AGENT_STOPPED);
    } catch (Exception e) {
      log.warn("maintenance.failed command_id={} error={}", command.commandId(), e.toString(), e);
      outcome = RunOutcome.failed(AgentRuntime.describe(e));
    }
    if (outcome == null) {
      outcome = RunOutcome.failed("the engine returned no outcome");
    }
    boolean ok = outcome.status() == RunStatus.SUCCESS || outcome.status() == RunStatus.WARNING;
    complete(
        command,
        ok,
        "maintenance "
            + mode.name().toLowerCase(java.util.Locale.ROOT)
            + " "
            + outcome.status().wire()
            + (outcome.message() == null ? "" : ": " + outcome.message()));
  }

  /**
   * {@code verify}: the engine checks the job's repository; the command completes with its summary
   * (ok only when nothing is damaged). {@code read_data_percent} (0-100, default 0) is the share of
   * packs read back whole and decrypted.
   */
  private void verify(AgentCommand command) {
    RunAssignment job = command.job();
    if (job == null) {
      complete(command, false, "verify command without job context");
      return;
    }
    JsonNode pct = command.payload().get("read_data_percent");
    if (pct != null && !pct.isNull() && (!pct.canConvertToInt() || !pct.isIntegralNumber())) {
      complete(command, false, "verify: read_data_percent must be a whole number from 0 to 100");
      return;
    }
    int readData = pct == null || pct.isNull() ? 0 : pct.asInt();
    if (readData < 0 || readData > 100) {
      complete(command, false, "verify: read_data_percent must be from 0 to 100, got " + readData);
      return;
    }
    Optional<Engine> engine = runtime.engines().find(job.engine());
    if (engine.isEmpty()) {
      complete(command, false, "unknown engine '" + job.engine() + "' for verify");
      return;
    }
    log.info(
        "verify.starting command_id={} job_id={} read_data_percent={}",
        command.commandId(),
        job.jobId(),
        readData);
    RunOutcome outcome;
    try {
      outcome = engine.get().verify(job, readData, new CommandContext(runtime, command, job));
    } catch (Exception e) {
      log.warn("verify.failed command_id={} error={}", command.commandId(), e.toString(), e);
      outcome = RunOutcome.failed(AgentRuntime.describe(e));
    }
    if (outcome == null) {
      outcome = RunOutcome.failed("the engine returned no outcome");
    }
    complete(
        command,
        outcome.status() == RunStatus.SUCCESS,
        outcome.message() == null ? "verify " + outcome.status().wire() : outcome.message());
  }

  private void browse(AgentCommand command) {
    String path = command.payload().path("path").asText("");
    long id = command.commandId();
    try {
      ObjectNode result = new FilesystemBrowser(runtime.host()).browse(path);
      runtime
          .outbox()
          .call("report_browse(command_id=" + id + ")", api -> api.reportBrowse(id, result));
      log.info("browse.reported command_id={} path={}", id, path);
    } catch (BrowseException e) {
      String msg = e.getMessage();
      runtime
          .outbox()
          .call("report_browse(command_id=" + id + ")", api -> api.reportBrowseError(id, msg));
      log.info("browse.refused command_id={} path={} error={}", id, path, msg);
    } catch (RuntimeException e) {
      String msg = "browse failed: " + AgentRuntime.describe(e);
      log.error("browse.failed command_id={} error={}", id, e.toString(), e);
      runtime
          .outbox()
          .call("report_browse(command_id=" + id + ")", api -> api.reportBrowseError(id, msg));
    }
  }

  private void nas(AgentCommand command, NasMounts.Result r) {
    complete(command, r.ok(), r.message());
  }

  private void complete(AgentCommand command, boolean ok, String message) {
    complete(command, null, ok, message);
  }

  /**
   * Durable: once this returns, the completion reaches the addon even across a kill -9. With a
   * {@code runId} it travels after that run's final status.
   */
  private void complete(AgentCommand command, Long runId, boolean ok, String message) {
    long id = command.commandId();
    log.info(
        "command.completed command_id={} type={} ok={} result={}", id, command.type(), ok, message);
    runtime.outbox().completeCommand(id, runId, ok, message);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Context for maintenance: no run to report on, so progress goes to the log only. */
  private static final class CommandContext implements RunContext {
    private final AgentRuntime runtime;
    private final AgentCommand command;
    private final RunAssignment job;
    private final Cancellation cancellation = new Cancellation();
    private final ProgressReporter progress;

    CommandContext(AgentRuntime runtime, AgentCommand command, RunAssignment job) {
      this.runtime = runtime;
      this.command = command;
      this.job = job;
      this.progress = new LogOnlyProgress(command.commandId());
    }

    @Override
    public long runId() {
      return command.runId() == null ? 0 : command.runId();
    }

    @Override
    public ProgressReporter progress() {
      return progress;
    }

    @Override
    public Cancellation cancellation() {
      return cancellation;
    }

    @Override
    public Path workDir() {
      Path p = runtime.config().runsDir().resolve("work").resolve("command_" + command.commandId());
      try {
        Files.createDirectories(p);
      } catch (java.io.IOException e) {
        log.warn("maintenance.workdir_unavailable path={} error={}", p, e.toString());
      }
      return p;
    }

    @Override
    public Path jobCacheDir() {
      return runtime.config().kopiaCacheDir().resolve("job_" + job.jobId());
    }

    @Override
    public S3ClientFactory s3() {
      return runtime.s3();
    }

    @Override
    public Clock clock() {
      return runtime.clock();
    }
  }

  /** Progress of work that has no run in the addon: logged, not sent. */
  private static final class LogOnlyProgress implements ProgressReporter {
    private final long commandId;
    private long files;
    private long bytes;

    LogOnlyProgress(long commandId) {
      this.commandId = commandId;
    }

    @Override
    public void scanStarted() {}

    @Override
    public void scanFound(long files, long bytes) {}

    @Override
    public void scanFinished() {}

    @Override
    public void itemStarted(String path) {}

    @Override
    public synchronized void bytesDone(long delta) {
      bytes += delta;
    }

    @Override
    public synchronized void itemDone(String path) {
      files++;
    }

    @Override
    public void itemSkipped(String path, String reason) {
      log.warn("command.item_skipped command_id={} path={} reason={}", commandId, path, reason);
    }

    @Override
    public void event(String code, EventLevel level, String message, Map<String, Object> params) {
      log.info(
          "command.event command_id={} code={} level={} message={}",
          commandId,
          code,
          level,
          message);
    }

    @Override
    public synchronized ProgressSnapshot snapshot() {
      return new ProgressSnapshot(0, 0, false, files, bytes, 0, 0, -1, null);
    }
  }
}
