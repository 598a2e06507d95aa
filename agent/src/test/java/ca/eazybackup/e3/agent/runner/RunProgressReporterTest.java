package ca.eazybackup.e3.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.RunEvent;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.progress.EventSequence;
import ca.eazybackup.e3.agent.progress.ProgressSnapshot;
import ca.eazybackup.e3.agent.progress.ReportSink;
import ca.eazybackup.e3.agent.progress.RunKind;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunProgressReporterTest {
  private final ManualClock clock = new ManualClock();
  private final List<ObjectNode> updates = new ArrayList<>();
  private final List<RunEvent> events = new ArrayList<>();
  private final List<String> order = new ArrayList<>();
  private RunProgressReporter reporter;

  @BeforeEach
  void setUp() {
    reporter = reporter(EventSequence.inMemory());
  }

  private RunProgressReporter reporter(EventSequence seq) {
    ReportSink sink =
        new ReportSink() {
          @Override
          public void update(long runId, ObjectNode body, boolean terminal) {
            updates.add(body);
            order.add(terminal ? "final" : "update");
          }

          @Override
          public void event(long runId, RunEvent event) {
            events.add(event);
            order.add(event.code());
          }
        };
    return new RunProgressReporter(
        42,
        RunKind.BACKUP,
        sink,
        clock,
        seq,
        Duration.ofSeconds(1),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        "runs/run_42.log");
  }

  @Test
  void updatesAreRateLimitedToOnePerSecond() {
    reporter.start("Backup starting", Map.of());
    for (int i = 0; i < 50; i++) {
      reporter.bytesDone(100);
      clock.advance(Duration.ofMillis(100));
      reporter.tick();
    }

    // 5 s of constant progress: the start update plus one per second.
    assertThat(updates).hasSizeBetween(5, 6);
  }

  @Test
  void heartbeatIsSentWhenNothingChangesForTheInterval() {
    reporter.start("Backup starting", Map.of());
    int before = updates.size();
    for (int i = 0; i < 59; i++) {
      clock.advance(Duration.ofSeconds(1));
      reporter.tick();
    }
    assertThat(updates).hasSize(before);

    clock.advance(Duration.ofSeconds(1));
    reporter.tick();

    assertThat(updates).hasSize(before + 1);
    assertThat(updates.get(updates.size() - 1).path("status").asText()).isEqualTo("running");
  }

  @Test
  void totalsGrowWhileTransferRunsAndSpeedAndEtaFollow() {
    reporter.start("Backup starting", Map.of());
    reporter.scanStarted();
    reporter.scanFound(10, 10_000);
    reporter.itemStarted("C:\\a.bin");
    for (int i = 0; i < 5; i++) {
      reporter.bytesDone(1_000);
      clock.advance(Duration.ofSeconds(1));
      reporter.tick();
    }
    reporter.scanFound(10, 10_000);
    reporter.scanFinished();

    ProgressSnapshot s = reporter.snapshot();
    assertThat(s.filesTotal()).isEqualTo(20);
    assertThat(s.bytesTotal()).isEqualTo(20_000);
    assertThat(s.totalsFinal()).isTrue();
    assertThat(s.speedBytesPerSec()).isBetween(900.0, 1100.0);
    assertThat(s.etaSeconds()).isBetween(14L, 17L);
    assertThat(s.currentItem()).isEqualTo("C:\\a.bin");
    ObjectNode last = updates.get(updates.size() - 1);
    assertThat(last.path("current_item").asText()).isEqualTo("C:\\a.bin");
    assertThat(last.path("log_ref").asText()).isEqualTo("runs/run_42.log");
  }

  @Test
  void progressEventsComeAtMostEveryTenSeconds() {
    reporter.start("Backup starting", Map.of());
    for (int i = 0; i < 250; i++) {
      reporter.bytesDone(1);
      clock.advance(Duration.ofMillis(100));
      reporter.tick();
    }

    long progressEvents = events.stream().filter(e -> e.code().equals("BACKUP_PROGRESS")).count();
    assertThat(progressEvents).isEqualTo(2);
  }

  @Test
  void finalStatusComesLastAfterTheCompletionEvent() {
    reporter.start("Backup starting", Map.of("engine", "sync"));
    reporter.itemDone("a");
    reporter.finish(RunOutcome.success("ok"), 3);
    reporter.tick();
    reporter.finish(RunOutcome.failed("again"), 3);

    assertThat(order).containsExactly("BACKUP_STARTING", "update", "BACKUP_COMPLETED", "final");
    assertThat(updates.get(updates.size() - 1).path("status").asText()).isEqualTo("success");
    assertThat(events).extracting(RunEvent::seq).containsExactly(1L, 2L);
  }

  @Test
  void failedRunCarriesItsErrorSummary() {
    reporter.start("Backup starting", Map.of());
    reporter.finish(RunOutcome.failed("bucket 'x' does not exist"), 1);

    ObjectNode last = updates.get(updates.size() - 1);
    assertThat(last.path("status").asText()).isEqualTo("failed");
    assertThat(last.path("error_summary").asText()).isEqualTo("bucket 'x' does not exist");
    assertThat(events.get(events.size() - 1).code()).isEqualTo("BACKUP_FAILED");
  }

  @Test
  void skippedFilesAreCountedAndAnnounced() {
    reporter.start("Backup starting", Map.of());
    reporter.itemSkipped("C:\\locked.pst", "file is locked");

    assertThat(reporter.snapshot().filesSkipped()).isEqualTo(1);
    assertThat(events.get(events.size() - 1).level()).isEqualTo("warn");
  }

  @Test
  void eventSequenceSurvivesANewProcess(@TempDir Path dir) {
    EventSequence first = EventSequence.persistent(dir.resolve("run_1.seq"), 0);
    for (int i = 0; i < 5; i++) {
      first.next();
    }

    EventSequence second = EventSequence.persistent(dir.resolve("run_1.seq"), 3);

    assertThat(second.next()).isGreaterThan(5);
  }

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-11-25T13:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
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
