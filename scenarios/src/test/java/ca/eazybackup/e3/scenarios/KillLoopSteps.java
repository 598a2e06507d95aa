package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 13's kill loop: the agent process SIGKILLed at seeded random moments of sync and kopia
 * backups, restores of both and maintenance, started again after each kill; each kill is recorded
 * with what it hit (the addon's view of the run or command, and the agent's last log event).
 */
public final class KillLoopSteps {
  /** The operations a kill can hit, in the order the rounds cycle through them. */
  enum Op {
    SYNC_BACKUP(9_000),
    KOPIA_BACKUP(9_000),
    SYNC_RESTORE(2_500),
    KOPIA_RESTORE(2_500),
    MAINTENANCE(3_000);

    /**
     * The kill moment is drawn from [0, this) ms after the operation was requested: about the
     * operation's length on a loaded machine and a little more, so some kills land before the agent
     * picked it up, most in the middle, some after it finished.
     */
    final int maxDelayMs;

    Op(int maxDelayMs) {
      this.maxDelayMs = maxDelayMs;
    }
  }

  /** One kill: what it interrupted and how that ended. */
  static final class Kill {
    final int n;
    final Op op;
    final int delayMs;
    long runId;
    long commandId;
    String addonPhase = "";
    String agentPhase = "";
    String outcome = "";
    String rule = "";
    Path target;
    long backAfterMs;

    Kill(int n, Op op, int delayMs) {
      this.n = n;
      this.op = op;
      this.delayMs = delayMs;
    }
  }

  private static final Pattern LOG_EVENT = Pattern.compile("([a-z_]+\\.[a-z_.]+)");
  private static final Set<String> TERMINAL_COMMAND = Set.of("completed", "failed");

  private final ScenarioWorld w;
  private final BackupSteps backup;
  private final List<Kill> kills = new ArrayList<>();
  private long seed;
  private long syncJob;
  private long kopiaJob;
  private long lastGoodSyncRun;
  private long lastGoodKopiaRun;
  private Scenario scenario;
  private String verifySummary = "";

  public KillLoopSteps(ScenarioWorld w, BackupSteps backup) {
    this.w = w;
    this.backup = backup;
  }

  @io.cucumber.java.Before("@killloop")
  public void remember(Scenario scenario) {
    this.scenario = scenario;
  }

  @Given("a sync job and a kopia job for that folder, each limited to {int} KiB\\/s")
  public void twoJobs(int kib) {
    backup.aJobWith(
        "sync", "killsync", "sync", Map.of("bandwidth_limit_kbps", kib, "parallelism", 2));
    syncJob = w.jobId;
    backup.aJobWith(
        "kopia",
        "killkopia",
        "repo",
        Map.of(
            "bandwidth_limit_kbps",
            kib,
            "parallelism",
            2,
            "encryption_password",
            "killed but kept",
            "compression",
            "zstd"));
    kopiaJob = w.jobId;
  }

  @When(
      "the agent is killed with SIGKILL at {int} moments drawn from seed {long}, started again after each")
  public void killLoop(int count, long seed) throws IOException {
    this.seed = seed;
    Random random = new Random(seed);
    log("kill loop: " + count + " kills, seed " + seed);
    for (int i = 0; i < count; i++) {
      Op op = Op.values()[i % Op.values().length];
      Kill k = new Kill(i + 1, op, random.nextInt(op.maxDelayMs));
      int roundStart = w.agent.console().length();
      start(k);
      long startedAt = System.nanoTime();
      // The wait before the kill is the random moment under test, not a stand-in for an event.
      await()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .atMost(Duration.ofSeconds(30))
          .until(() -> System.nanoTime() - startedAt >= k.delayMs * 1_000_000L);
      observe(k); // the addon's view just before the kill
      long killedAt = System.nanoTime();
      w.agent.kill();
      k.agentPhase = lastAgentEvent(w.agent.console(), roundStart, k);
      w.agent.start();
      Path console = w.agent.consoleLog();
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  Files.exists(console)
                      && Files.readString(console, StandardCharsets.ISO_8859_1)
                          .contains("agent.started"));
      k.backAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
      settle(k);
      kills.add(k);
      log(
          String.format(
              "kill %2d  %-13s at %5d ms  hit: %-40s agent: %-32s back: %5d ms -> %s (%s)",
              k.n, k.op, k.delayMs, k.addonPhase, k.agentPhase, k.backAfterMs, k.outcome, k.rule));
    }
  }

  private void start(Kill k) {
    switch (k.op) {
      case SYNC_BACKUP, KOPIA_BACKUP -> {
        long job = k.op == Op.SYNC_BACKUP ? syncJob : kopiaJob;
        k.runId = post("cloudbackup_start_run.php", Map.of("job_id", job)).path("run_id").asLong();
      }
      case SYNC_RESTORE, KOPIA_RESTORE -> {
        long source = k.op == Op.SYNC_RESTORE ? lastGoodSyncRun : lastGoodKopiaRun;
        assertThat(source).as("a finished backup to restore from before kill %d", k.n).isPositive();
        k.target = w.dir.resolve("restore-" + k.n);
        JsonNode r =
            post(
                "cloudbackup_start_restore.php",
                Map.of(
                    "run_id", source, "target_path", k.target.toString(), "overwrite", "always"));
        k.runId = r.path("restore_run_id").asLong();
        k.commandId = r.path("command_id").asLong();
      }
      case MAINTENANCE ->
          k.commandId =
              post(
                      "cloudbackup_request_command.php",
                      Map.of(
                          "type",
                          k.n % 2 == 0 ? "maintenance_full" : "maintenance_quick",
                          "job_id",
                          kopiaJob))
                  .path("command_id")
                  .asLong();
    }
  }

  /** What the addon shows of the operation: the run's status, last event and progress. */
  private void observe(Kill k) {
    StringBuilder s = new StringBuilder();
    if (k.commandId > 0) {
      s.append("command ").append(command(k.commandId).path("status").asText());
    }
    if (k.runId > 0) {
      JsonNode run = RunWatcher.run(w.api(), jobOf(k), k.runId);
      List<String> codes = codes(k.runId);
      if (!s.isEmpty()) {
        s.append(", ");
      }
      s.append("run ").append(run.path("status").asText());
      if (!codes.isEmpty()) {
        s.append(" after ").append(codes.get(codes.size() - 1));
      }
      if ("running".equals(run.path("status").asText())) {
        s.append(" ").append(run.path("progress_pct").asInt()).append('%');
      }
    }
    k.addonPhase = s.toString();
  }

  /**
   * The agent's last log event about the operation before the kill (its console since the round
   * began), e.g. {@code kopia.snapshot_saved}; "-" when it had logged nothing of it yet.
   */
  private static String lastAgentEvent(String console, int from, Kill k) {
    String last = "-";
    Pattern runTag = Pattern.compile("\\brun_id=" + k.runId + "(?!\\d)");
    Pattern commandTag = Pattern.compile("\\bcommand_id=" + k.commandId + "(?!\\d)");
    for (String line : console.substring(Math.min(from, console.length())).split("\n")) {
      boolean ours =
          (k.runId > 0 && runTag.matcher(line).find())
              || (k.commandId > 0 && commandTag.matcher(line).find());
      if (!ours) {
        continue;
      }
      // "<time> level=INFO thread=… logger=AgentRuntime run_id=7 run.claimed run_id=7 …": the
      // first word after the logger and the run id (the MDC's) names the event.
      for (String word : line.split(" ")) {
        if (word.startsWith("level=")
            || word.startsWith("thread=")
            || word.startsWith("logger=")
            || word.startsWith("run_id=")
            || word.startsWith("20")) {
          continue;
        }
        if (LOG_EVENT.matcher(word).matches()) {
          last = word;
        }
        break;
      }
    }
    return last;
  }

  /** Awaits the operation's end after the restart and records its outcome and the rule it met. */
  private void settle(Kill k) {
    switch (k.op) {
      case SYNC_BACKUP, KOPIA_BACKUP -> {
        JsonNode run = w.awaitRun(jobOf(k), k.runId, Duration.ofSeconds(240));
        List<String> codes = codes(k.runId);
        k.outcome = "run " + run.path("status").asText();
        if ("failed".equals(run.path("status").asText())
            && "AGENT_OFFLINE".equals(run.path("error_summary").asText())) {
          // The seed's rule for an agent away longer than the watchdog allows; only a restart
          // that took that long (a loaded machine) may end a backup this way.
          k.rule = "AGENT_OFFLINE";
          assertThat(k.backAfterMs)
              .as(
                  "backup run %d failed AGENT_OFFLINE although the agent was back in %d ms",
                  k.runId, k.backAfterMs)
              .isGreaterThan(
                  SharedSystem.WATCHDOG_TIMEOUT.minus(SharedSystem.RECLAIM_GRACE).toMillis());
          return;
        }
        k.rule = codes.contains("AGENT_RECLAIMED") ? "reclaimed and finished" : "finished";
        assertThat(run.path("status").asText())
            .as("backup run %d after kill %d (%s)%s", k.runId, k.n, k.addonPhase, w.diagnostics())
            .isEqualTo("success");
        if (k.op == Op.SYNC_BACKUP) {
          lastGoodSyncRun = k.runId;
        } else {
          lastGoodKopiaRun = k.runId;
        }
      }
      case SYNC_RESTORE, KOPIA_RESTORE -> {
        JsonNode run = w.awaitRun(jobOf(k), k.runId, Duration.ofSeconds(120));
        JsonNode c = awaitCommand(k.commandId, Duration.ofSeconds(60));
        String status = run.path("status").asText();
        k.outcome = "run " + status + ", command " + c.path("status").asText();
        if ("success".equals(status)) {
          k.rule = "finished";
          assertThat(c.path("status").asText())
              .as("command of restore %d", k.runId)
              .isEqualTo("completed");
        } else {
          k.rule = "failed: " + reason(run.path("error_summary").asText());
          assertThat(status).as("restore run %d after kill %d", k.runId, k.n).isEqualTo("failed");
          assertThat(run.path("error_summary").asText())
              .as("restore run %d's error after kill %d", k.runId, k.n)
              .containsAnyOf("agent restarted", "AGENT_RESTARTED", "AGENT_OFFLINE");
          assertThat(c.path("status").asText())
              .as("command of restore %d", k.runId)
              .isEqualTo("failed");
        }
      }
      case MAINTENANCE -> {
        JsonNode c = awaitCommand(k.commandId, Duration.ofSeconds(120));
        k.outcome = "command " + c.path("status").asText();
        if ("completed".equals(c.path("status").asText())) {
          // More than one delivery: the kill came after the addon's "delivered" and before the
          // agent journalled it, and the addon handed it out again (issue 13's gap at kill 10).
          k.rule =
              c.path("deliveries").asInt(1) > 1
                  ? "handed out again and finished ("
                      + c.path("deliveries").asInt()
                      + " deliveries)"
                  : "finished";
        } else {
          k.rule = "failed: " + reason(c.path("result_message").asText());
          assertThat(c.path("result_message").asText())
              .as("maintenance command %d after kill %d", k.commandId, k.n)
              .containsAnyOf("agent restarted", "AGENT_RESTARTED", "AGENT_OFFLINE");
        }
      }
    }
  }

  private static String reason(String error) {
    if (error.contains("agent restarted")) {
      return "agent restarted (reported by the agent)";
    }
    return error.startsWith("AGENT_RESTARTED") ? "AGENT_RESTARTED (ended by the addon)" : error;
  }

  @Then("every run and command ended as the rules for a killed agent say")
  public void everyRunEndedByTheRules() {
    assertThat(kills).as("kills made").hasSizeGreaterThanOrEqualTo(20);
    for (Kill k : kills) {
      assertThat(k.rule).as("kill %d's outcome", k.n).isNotEmpty();
    }
    // The loop must have hit every kind of operation in the middle, not only before or after it.
    for (Op op : Op.values()) {
      assertThat(kills.stream().filter(k -> k.op == op).map(k -> k.addonPhase))
          .as("kills of %s that hit it while the agent worked on it", op)
          // "starting": the agent has claimed the run (agent_next_run) and not yet reported.
          .anyMatch(
              p -> p.contains("running") || p.contains("starting") || p.contains("delivered"));
    }
  }

  @Then("no run that succeeded ran twice")
  public void noRunTwice() {
    for (Kill k : kills) {
      if (k.op != Op.SYNC_BACKUP && k.op != Op.KOPIA_BACKUP || "AGENT_OFFLINE".equals(k.rule)) {
        continue;
      }
      long runId = k.runId;
      List<String> codes = codes(runId);
      assertThat(codes.stream().filter("BACKUP_COMPLETED"::equals).count())
          .as("BACKUP_COMPLETED of run %d: %s", runId, codes)
          .isEqualTo(1);
      assertThat(codes.stream().filter("BACKUP_STARTING"::equals).count())
          .as("BACKUP_STARTING of run %d: %s", runId, codes)
          .isEqualTo(1);
      // Nothing was started again after the completion: a run the agent had finished is never
      // reclaimed and run a second time.
      assertThat(codes.subList(codes.indexOf("BACKUP_COMPLETED"), codes.size()))
          .as("events of run %d after its completion: %s", runId, codes)
          .doesNotContain("AGENT_RECLAIMED", "BACKUP_STARTING", "KOPIA_SNAPSHOT_SAVED");
      ReportChecks.assertEachReportOnceInOrder(w.events(runId));
    }
    long kopiaSnapshots = 0;
    for (JsonNode s :
        post("cloudbackup_list_snapshots.php", Map.of("job_id", kopiaJob)).path("snapshots")) {
      kopiaSnapshots += s.path("manifest_id").asText("").isEmpty() ? 0 : 1;
    }
    long kopiaRuns =
        kills.stream()
            .filter(k -> k.op == Op.KOPIA_BACKUP && !"AGENT_OFFLINE".equals(k.rule))
            .count();
    assertThat(kopiaSnapshots).as("kopia snapshots recorded, one per run").isEqualTo(kopiaRuns);
  }

  @Then("every final status and command completion reached the addon")
  public void everyStatusArrived() throws IOException {
    for (JsonNode r : post("cloudbackup_list_runs.php", Map.of()).path("runs")) {
      assertThat(r.path("status").asText())
          .as("run %s", r.path("run_id"))
          .isIn(RunWatcher.TERMINAL);
    }
    for (Kill k : kills) {
      if (k.commandId > 0) {
        assertThat(command(k.commandId).path("status").asText())
            .as("command %d of kill %d", k.commandId, k.n)
            .isIn(TERMINAL_COMMAND);
      }
    }
    ReportChecks.assertNoReportLost(w.agent.console());
    Path dead = w.dir.resolve("agent/runs/state/outbox/outbox.dead.jsonl");
    assertThat(!Files.exists(dead) || Files.size(dead) == 0)
        .as("the outbox set nothing aside (%s)", dead)
        .isTrue();
  }

  @Then("every restore that finished equals the source folder byte for byte")
  public void finishedRestoresEqualSource() {
    for (Kill k : kills) {
      if (k.target != null && "finished".equals(k.rule)) {
        TreeManifest.Differences diff = w.manifest.verify(k.target);
        assertThat(diff.none()).as("restore of kill %d: %s", k.n, diff.summary()).isTrue();
      }
    }
  }

  @Then("a restore of each job without a kill equals the source folder byte for byte")
  public void cleanRestores() {
    for (long source : List.of(lastGoodSyncRun, lastGoodKopiaRun)) {
      Path target = w.dir.resolve("restore-clean-" + source);
      long restoreRun =
          post(
                  "cloudbackup_start_restore.php",
                  Map.of("run_id", source, "target_path", target.toString(), "overwrite", "always"))
              .path("restore_run_id")
              .asLong();
      long job = source == lastGoodSyncRun ? syncJob : kopiaJob;
      JsonNode run = w.awaitRun(job, restoreRun, Duration.ofSeconds(120));
      assertThat(run.path("status").asText())
          .as("clean restore of run %d (%s)", source, run.path("error_summary").asText())
          .isEqualTo("success");
      TreeManifest.Differences diff = w.manifest.verify(target);
      assertThat(diff.none()).as("clean restore of run %d: %s", source, diff.summary()).isTrue();
    }
  }

  @Then("a verify of the kopia repository completes saying {string}")
  public void verify(String text) {
    long id =
        post(
                "cloudbackup_request_command.php",
                Map.of("type", "verify", "job_id", kopiaJob, "read_data_percent", 100))
            .path("command_id")
            .asLong();
    JsonNode c = awaitCommand(id, Duration.ofSeconds(180));
    assertThat(c.path("status").asText())
        .as("verify %s%s", c, w.diagnostics())
        .isEqualTo("completed");
    String result = c.path("result_message").asText();
    assertThat(result).contains(text);
    verifySummary = result;
    log("verify: " + result);
    Matcher m = Pattern.compile("healthy: (\\d+) snapshots").matcher(result);
    assertThat(m.find()).as("snapshot count in %s", result).isTrue();
    // At least one snapshot per kopia run (a kill after the manifest was written but before the
    // run's success was queued makes the reclaimed run write another; none is lost).
    assertThat(Long.parseLong(m.group(1)))
        .as("snapshots in the repository")
        .isGreaterThanOrEqualTo(
            kills.stream()
                .filter(k -> k.op == Op.KOPIA_BACKUP && !"AGENT_OFFLINE".equals(k.rule))
                .count());
  }

  @Then("the kill table is in {string}")
  public void table(String file) throws IOException {
    String table = table();
    Path out = Path.of(file);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, table, StandardCharsets.UTF_8);
    log(table);
    assertThat(Files.readString(out)).contains("| " + kills.size() + " kills");
  }

  private String table() {
    StringBuilder t = new StringBuilder();
    t.append("# Kill loop (seed ").append(seed).append(")\n\n");
    t.append(
        "| # | operation | kill at | the addon showed | the agent had logged | agent back after | ended | rule |\n");
    t.append("|---|---|---|---|---|---|---|---|\n");
    for (Kill k : kills) {
      t.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %d ms | %s | %s | %.1f s | %s | %s |%n",
              k.n,
              k.op.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + (k.runId > 0 ? " (run " + k.runId + ")" : " (command " + k.commandId + ")"),
              k.delayMs,
              k.addonPhase,
              k.agentPhase,
              k.backAfterMs / 1000.0,
              k.outcome,
              k.rule));
    }
    Map<String, Long> byRule = new LinkedHashMap<>();
    for (Kill k : kills) {
      byRule.merge(k.op.name().toLowerCase(Locale.ROOT) + ": " + k.rule, 1L, Long::sum);
    }
    t.append("\nRepository check after the loop: ").append(verifySummary).append("\n");
    t.append("\n| ").append(kills.size()).append(" kills | count |\n|---|---|\n");
    byRule.forEach((rule, n) -> t.append("| ").append(rule).append(" | ").append(n).append(" |\n"));
    return t.toString();
  }

  private long jobOf(Kill k) {
    return switch (k.op) {
      case SYNC_BACKUP, SYNC_RESTORE -> syncJob;
      default -> kopiaJob;
    };
  }

  private List<String> codes(long runId) {
    List<String> codes = new ArrayList<>();
    for (JsonNode e : w.events(runId)) {
      codes.add(e.path("code").asText());
    }
    return codes;
  }

  private JsonNode command(long id) {
    return w.env.simControl().read("sim/command", Map.of("command_id", id)).path("command");
  }

  private JsonNode awaitCommand(long id, Duration timeout) {
    JsonNode[] c = new JsonNode[1];
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              c[0] = command(id);
              return TERMINAL_COMMAND.contains(c[0].path("status").asText());
            });
    return c[0];
  }

  private JsonNode post(String endpoint, Map<String, Object> body) {
    return w.api().post(endpoint, body);
  }

  private void log(String line) {
    System.out.println("[kill-loop] " + line);
    if (scenario != null) {
      scenario.log(line);
    }
  }
}
