package ca.eazybackup.e3.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.shims.EventLog;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EventLogAppenderTest {
  private static final Logger LOG = LoggerFactory.getLogger("ca.eazybackup.e3.agent.runner.X");
  private static final String SECRET = "tok-0123456789abcdef-secret";

  @TempDir Path root;

  @AfterEach
  void detach() {
    ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(Logger.ROOT_LOGGER_NAME)
        .detachAppender(EventLogAppender.NAME);
  }

  @Test
  void runOutcomesAndErrorsReachTheApplicationLogMaskedAndNothingElseDoes() throws Exception {
    EventLog log = SimulatedWindowsHost.builder(root).build().eventLog("E3BackupAgent");
    Redactor.global().register(SECRET);
    EventLogAppender.attach(log);

    LOG.info("run.finished run_id={} status={} seconds={} message={}", 5, "success", 3, "done");
    LOG.info("run.finished run_id={} status={} seconds={} message={}", 6, "failed", 1, "S3 403");
    LOG.info("run.progress run_id=7 files=3"); // routine: stays in the files only
    LOG.error("api.rejected token={}", SECRET, new IllegalStateException("boom"));

    List<EventLog.Event> events = log.newest(10);
    assertThat(events)
        .extracting(EventLog.Event::eventId)
        .containsExactly(
            EventLogAppender.AGENT_ERROR,
            EventLogAppender.RUN_FAILED,
            EventLogAppender.RUN_SUCCEEDED);
    assertThat(events)
        .extracting(EventLog.Event::level)
        .containsExactly(EventLog.Level.ERROR, EventLog.Level.ERROR, EventLog.Level.INFORMATION);
    assertThat(events.get(0).message())
        .doesNotContain(SECRET)
        .contains("IllegalStateException: boom");
  }

  @Test
  void aBrokenEventLogNeverBreaksLogging() {
    AtomicInteger calls = new AtomicInteger();
    EventLogAppender.attach(
        new EventLog() {
          @Override
          public void report(Level level, int eventId, String message) throws ShimException {
            calls.incrementAndGet();
            throw new ShimException("event log service stopped");
          }

          @Override
          public List<Event> newest(int max) {
            return List.of();
          }

          @Override
          public void registerSource() {}

          @Override
          public void unregisterSource() {}
        });

    LOG.error("first");
    LOG.error("second");

    assertThat(calls).hasValue(2);
  }
}
