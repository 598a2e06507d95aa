package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.s3fixtures.S3TreeVerifier;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.whmcs.ServerConfig;
import ca.eazybackup.e3.whmcs.scheduler.Scheduler;
import ca.eazybackup.e3.whmcs.sim.AgentProcess;
import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.AgentAccount;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.Tenant;
import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.After;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A schedule slot missed while the addon is down. The shared scenario addon runs on the real clock
 * with its scheduler cron ticking, so this scenario starts an addon of its own whose clock it moves
 * and whose scheduler cron it runs by hand: hours during which the cron does not tick are hours the
 * addon was down. A real agent process works for that addon and runs what the scheduler queues.
 */
public final class MissedScheduleSteps {
  private final ScenarioWorld w;
  private SettableClock clock;
  private SimEnvironment env;
  private Tenant tenant;
  private AgentProcess agent;
  private TreeManifest manifest;
  private String bucket;
  private long jobId;
  private long runId;
  private Scheduler.Tick tick;

  public MissedScheduleSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given(
      "an addon of its own whose clock stands at {string} and whose scheduler runs only when told")
  public void ownAddon(String at) {
    clock = new SettableClock(Instant.parse(at));
    env =
        SimEnvironment.start(
            ServerConfig.builder()
                .port(0)
                .clock(clock)
                // Zero: no cron thread; the scenario runs the scheduler (and no watchdog sweep
                // judges the agent by a clock the scenario jumps).
                .schedulerInterval(Duration.ZERO)
                .watchdogSweepInterval(Duration.ZERO)
                .build());
    tenant = env.newTenant("missed-" + w.uid + "@example.com");
    AgentAccount account = tenant.newAgent("missed-" + w.uid);
    agent =
        tenant.agentProcess(
            SharedSystem.agentJar(),
            w.dir.resolve("missed-agent"),
            account,
            0.5,
            SharedSystem.HEARTBEAT.toSeconds(),
            w.agentEnv,
            null);
    agent.start();
    bucket = "missed-" + w.uid;
    tenant.newBucket(bucket, true);
    jobSpecAgent = account.agentId();
  }

  private long jobSpecAgent;

  @Given(
      "on that addon, a sync job for a folder generated from seed {int} runs hourly at minute {int}")
  public void hourlyJob(int seed, int minute) {
    manifest = w.generate("small", seed, w.dir.resolve("missed-src"));
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", "hourly " + w.uid);
    job.put("source_type", "local_agent");
    job.put("agent_id", jobSpecAgent);
    job.put("engine", "sync");
    job.put("source_path", w.dir.resolve("missed-src").toString());
    job.put("dest_bucket", bucket);
    job.put("dest_prefix", "hourly");
    job.put("schedule_json", Map.of("type", "hourly", "minute", minute));
    jobId = tenant.api().post("cloudbackup_create_job.php", job).path("job_id").asLong();
  }

  @When("the scheduler runs at {string}")
  public void schedulerRunsAt(String at) {
    clock.set(Instant.parse(at));
    tick = env.addon().runScheduler();
  }

  @Then("it queues nothing")
  public void queuesNothing() {
    assertThat(tick.queued()).as("runs queued by %s", tick).isZero();
    assertThat(runs()).as("the job's runs").isEmpty();
  }

  @When("the addon is down until {string}, its scheduler silent through five slots")
  public void down(String until) {
    // The clock passes the slots with no scheduler tick: that is what the addon being down means
    // to its cron. (The agent keeps polling and finds nothing to do.)
    clock.set(Instant.parse(until));
  }

  @When("the addon is back and its scheduler runs")
  public void back() {
    tick = env.addon().runScheduler();
  }

  @Then("it queues exactly one run, with trigger {string}, not one per missed slot")
  public void oneMissedRun(String trigger) {
    assertThat(tick.queued()).as("runs queued by %s", tick).isEqualTo(1);
    JsonNode all = runs();
    assertThat(all).as("the job's runs: %s", all).hasSize(1);
    assertThat(all.get(0).path("trigger_type").asText()).isEqualTo(trigger);
    runId = all.get(0).path("run_id").asLong();
  }

  @Then("the agent runs it to {string} within {int} seconds and the bucket holds the folder")
  public void agentRunsIt(String status, int seconds) throws InterruptedException {
    JsonNode r =
        RunWatcher.awaitTerminal(tenant.api(), jobId, runId, Duration.ofSeconds(seconds), x -> {});
    assertThat(r.path("status").asText())
        .as("missed run %d (error: %s)\n%s", runId, r.path("error_summary"), agent.console())
        .isEqualTo(status);
    TreeManifest.Differences diff =
        S3TreeVerifier.using(env.s3().client()).compare(bucket, "hourly", manifest);
    assertThat(diff.none()).as(diff.summary()).isTrue();
  }

  @Then("the job's next run is planned for {string} and running the scheduler again queues nothing")
  public void nextPlanned(String next) {
    JsonNode jobs = tenant.api().post("cloudbackup_list_jobs.php", Map.of()).path("jobs");
    assertThat(jobs.get(0).path("next_run_at").asText()).isEqualTo(next);
    assertThat(env.addon().runScheduler().queued()).isZero();
    assertThat(runs()).hasSize(1);
  }

  private JsonNode runs() {
    return tenant.api().post("cloudbackup_list_runs.php", Map.of("job_id", jobId)).path("runs");
  }

  @After
  public void stopOwnAddon() {
    if (agent != null) {
      agent.stop(Duration.ofSeconds(10));
    }
    if (env != null) {
      env.close();
    }
  }

  /** A clock the scenario sets; the addon reads it on every call. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant value) {
      now = value;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
