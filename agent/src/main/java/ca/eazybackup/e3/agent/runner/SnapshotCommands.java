package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentCommand;
import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.S3BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.StorageStack;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.logging.Redactor;
import ca.eazybackup.e3.agent.nas.NasServer;
import ca.eazybackup.e3.agent.nas.mount.NasMounts;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.agent.timemachine.SnapshotBrowser;
import ca.eazybackup.e3.agent.timemachine.SnapshotComparison;
import ca.eazybackup.e3.agent.timemachine.SnapshotMounts;
import ca.eazybackup.e3.agent.timemachine.SnapshotRepository;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time Machine's questions about a job's snapshots: {@code snapshot_browse} (one folder of one
 * snapshot, paged) and {@code snapshot_diff} (what changed between two). Both open the job's
 * repository read-only and answer through {@code agent_report_snapshot}, as {@code
 * browse_directory} answers through {@code agent_report_browse}. A bad request (no such snapshot or
 * folder) is reported as an error; nothing else changes.
 */
final class SnapshotCommands {
  private static final Logger log = LoggerFactory.getLogger(SnapshotCommands.class);

  /** What a command computes from an open repository. */
  @FunctionalInterface
  private interface Query {
    ObjectNode answer(SnapshotRepository repo, JsonNode payload) throws IOException;
  }

  private final AgentRuntime runtime;

  SnapshotCommands(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  /** Answers {@code command} if it is one of Time Machine's; false when it is not. */
  boolean handle(AgentCommand command, RunContext ctx) {
    Query q =
        switch (String.valueOf(command.type())) {
          case "snapshot_browse" ->
              (repo, p) ->
                  SnapshotBrowser.browse(
                      repo.objects(),
                      repo.snapshot(p.path("manifest_id").asText("")),
                      p.path("path").asText(""),
                      p.path("offset").asInt(0));
          case "snapshot_diff" ->
              (repo, p) ->
                  SnapshotComparison.compare(
                      repo,
                      p.path("from_manifest_id").asText(""),
                      p.path("to_manifest_id").asText(""),
                      SnapshotComparison.REPORTED_CHANGES);
          default -> null;
        };
    if (q == null) {
      return false;
    }
    answer(command, ctx, q);
    return true;
  }

  private void answer(AgentCommand command, RunContext ctx, Query q) {
    // The job's secrets are masked while the query runs and while its failure is logged.
    try (Redactor.Scope secrets = AgentRuntime.secretsOf(command.job())) {
      answerMasked(command, ctx, q);
    }
  }

  private void answerMasked(AgentCommand command, RunContext ctx, Query q) {
    long id = command.commandId();
    String what = command.type() + "(command_id=" + id + ")";
    try {
      ObjectNode result = query(command, ctx, q);
      runtime.outbox().call("report_snapshot " + what, api -> api.reportSnapshot(id, result));
      log.info("snapshot.reported command_id={} type={}", id, command.type());
    } catch (IOException | IllegalArgumentException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      log.info("snapshot.refused command_id={} type={} error={}", id, command.type(), msg);
      runtime.outbox().call("report_snapshot " + what, api -> api.reportSnapshotError(id, msg));
    } catch (RuntimeException e) {
      String msg = command.type() + " failed: " + AgentRuntime.describe(e);
      log.error("snapshot.failed command_id={} error={}", id, e.toString(), e);
      runtime.outbox().call("report_snapshot " + what, api -> api.reportSnapshotError(id, msg));
    }
  }

  /**
   * {@code nas_mount_snapshot}'s volume: the repository at the payload's bucket and prefix, opened
   * with its {@code repository_password} through the production storage stack and the job's
   * repository cache, serving snapshot {@code manifest_id}; labelled "Time Machine (job, date)".
   */
  NasMounts.SnapshotVolume openForMount(NasServer server, JsonNode p) throws IOException {
    String endpoint = p.path("endpoint").asText("");
    S3Target target =
        new S3Target(
            endpoint,
            p.path("region").asText("us-east-1"),
            p.path("access_key").asText(""),
            p.path("secret_key").asText(""));
    BlobStorage raw =
        S3BlobStorage.open(
            runtime.s3().client(target),
            endpoint,
            p.path("bucket").asText(""),
            p.path("prefix").asText(""),
            false);
    BlobStorage stack = StorageStack.wrap(raw, RetryPolicy.DEFAULT, 0, () -> false);
    long jobId = p.path("job_id").asLong(0);
    Path cache = runtime.config().kopiaCacheDir().resolve("job_" + jobId).resolve("kopia-cache");
    SnapshotRepository repo =
        SnapshotRepository.open(stack, p.path("repository_password").asText(""), cache);
    String manifestId = p.path("manifest_id").asText("");
    String label;
    try {
      SnapshotManifest m = repo.snapshot(manifestId);
      String job = p.path("job_name").asText("");
      label =
          SnapshotMounts.label(
              job.isBlank() ? "job " + jobId : job, m.startTime(), ZoneId.systemDefault());
    } catch (IOException | RuntimeException e) {
      repo.close();
      throw e;
    }
    return new NasMounts.SnapshotVolume(
        SnapshotMounts.serve(server, repo, manifestId),
        label,
        () -> repo.stillHas(manifestId) ? null : SnapshotRepository.goneMessage(manifestId));
  }

  private ObjectNode query(AgentCommand command, RunContext ctx, Query q) throws IOException {
    RunAssignment job = command.job();
    if (job == null) {
      throw new IllegalArgumentException(command.type() + " names no job (job context missing)");
    }
    Optional<Engine> engine = runtime.engines().find(job.engine());
    if (engine.isEmpty() || !(engine.get() instanceof KopiaEngine kopia)) {
      throw new IllegalArgumentException(
          "job "
              + job.jobId()
              + " does not keep Kopia-format snapshots (engine "
              + job.engine()
              + ")");
    }
    try (SnapshotRepository repo = SnapshotRepository.of(kopia.openExisting(job, ctx))) {
      return q.answer(repo, command.payload());
    }
  }
}
