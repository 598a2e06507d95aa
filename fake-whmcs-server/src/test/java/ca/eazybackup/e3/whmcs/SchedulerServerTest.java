package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.whmcs.scheduler.Scheduler;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler cron against the database, with the clock moved by hand. */
class SchedulerServerTest extends ServerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T13:00:00Z"));

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .clock(clock)
        .schedulerInterval(Duration.ZERO)
        .watchdogSweepInterval(Duration.ZERO);
  }

  private JsonNode runs(Tenant t, long jobId) {
    return t.client("cloudbackup_list_runs.php", Map.of("job_id", jobId)).body().get("runs");
  }

  @Test
  void queuesOnTimeSkipsWhileBusyAndRunsAMissedSlotOnce() {
    clock.set(Instant.parse("2026-11-25T13:00:00Z"));
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = t.jobSpec();
    spec.put("schedule_json", Map.of("type", "hourly", "minute", 30));
    long jobId = t.createJob(spec);

    assertThat(server.runScheduler().queued()).isZero();
    clock.set(Instant.parse("2026-11-25T13:30:05Z"));
    Scheduler.Tick first = server.runScheduler();
    assertThat(first.queued()).isGreaterThanOrEqualTo(1);
    JsonNode r = runs(t, jobId).get(0);
    assertThat(r.get("trigger_type").asText()).isEqualTo("schedule");
    assertThat(r.get("scheduled_for").asText()).isEqualTo("2026-11-25T13:30:00Z");
    assertThat(server.runScheduler().queued()).as("fires once per slot").isZero();

    // Next slot while the first run is still queued: a skipped record.
    clock.set(Instant.parse("2026-11-25T14:30:10Z"));
    server.runScheduler();
    JsonNode latest = runs(t, jobId).get(0);
    assertThat(latest.get("status").asText()).isEqualTo("skipped");
    assertThat(latest.get("error_summary").asText()).contains("still in progress");

    // The first run finishes; the addon is then "down" for five hours: one missed run, not five.
    long firstRun = runs(t, jobId).get(1).get("run_id").asLong();
    t.nextRun();
    t.update(firstRun, "status", "success");
    clock.set(Instant.parse("2026-11-25T20:00:00Z"));
    server.runScheduler();
    JsonNode all = runs(t, jobId);
    assertThat(all).hasSize(3);
    assertThat(all.get(0).get("trigger_type").asText()).isEqualTo("missed");
    assertThat(all.get(0).get("status").asText()).isEqualTo("queued");
    JsonNode job = t.client("cloudbackup_list_jobs.php", Map.of()).body().get("jobs").get(0);
    assertThat(job.get("next_run_at").asText()).isEqualTo("2026-11-25T20:30:00Z");
  }

  @Test
  void manualJobsAreNeverScheduled() {
    clock.set(Instant.parse("2026-11-25T13:00:00Z"));
    Tenant t = Tenant.create(http);
    long jobId = t.createJob();
    clock.advance(Duration.ofDays(3));
    server.runScheduler();
    assertThat(runs(t, jobId)).isEmpty();
  }
}
