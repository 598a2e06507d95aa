package ca.eazybackup.e3.shims.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.EventLog;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated Application log: shared by the machine's processes, per source, ReportEvent's
 * limits.
 */
class SimEventLogTest {
  @TempDir Path root;

  @Test
  void anEventWrittenByOneProcessIsReadByAnotherUnderItsSourceNewestFirst() throws Exception {
    SimulatedWindowsHost service = SimulatedWindowsHost.builder(root).session("service").build();
    SimulatedWindowsHost viewer = SimulatedWindowsHost.builder(root).build();

    service
        .eventLog("E3BackupAgent")
        .report(EventLog.Level.INFORMATION, 1, "run.finished run_id=1");
    service.eventLog("OtherApp").report(EventLog.Level.ERROR, 9, "not ours");
    service.eventLog("E3BackupAgent").report(EventLog.Level.ERROR, 3, "run.finished run_id=2");

    assertThat(viewer.eventLog("e3backupagent").newest(10))
        .containsExactly(
            new EventLog.Event("E3BackupAgent", EventLog.Level.ERROR, 3, "run.finished run_id=2"),
            new EventLog.Event(
                "E3BackupAgent", EventLog.Level.INFORMATION, 1, "run.finished run_id=1"));
    assertThat(viewer.eventLog("E3BackupAgent").newest(1)).hasSize(1);
  }

  @Test
  void aMessageLongerThanReportEventsLimitIsCut() throws Exception {
    SimulatedWindowsHost host = SimulatedWindowsHost.builder(root).build();

    host.eventLog("E3BackupAgent").report(EventLog.Level.ERROR, 100, "x".repeat(40_000));

    assertThat(host.eventLog("E3BackupAgent").newest(1).get(0).message())
        .hasSize(EventLog.MAX_MESSAGE_CHARS)
        .endsWith("…");
  }

  @Test
  void aFullLogOverwritesItsOldestEventsAndKeepsTheNewest() throws Exception {
    SimulatedWindowsHost host = SimulatedWindowsHost.builder(root).build();
    SimEventLog log = new SimEventLog(host, "E3BackupAgent", 10_000);

    for (int i = 0; i < 200; i++) {
      log.report(EventLog.Level.INFORMATION, 1, "run.finished run_id=" + i + " " + "x".repeat(100));
    }

    assertThat(Files.size(root.resolve("eventlog").resolve("Application.jsonl")))
        .isLessThanOrEqualTo(10_000 + 200);
    List<EventLog.Event> events = log.newest(1_000);
    assertThat(events.get(0).message()).startsWith("run.finished run_id=199 ");
    assertThat(events).noneMatch(e -> e.message().startsWith("run.finished run_id=0 "));
  }

  @Test
  void registeringASourceWritesHklmAndSoNeedsElevation() throws Exception {
    SimulatedWindowsHost user = SimulatedWindowsHost.builder(root).build();
    SimulatedWindowsHost admin = SimulatedWindowsHost.builder(root).elevated(true).build();

    assertThatThrownBy(() -> user.eventLog("E3BackupAgent").registerSource())
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.error()).isEqualTo(Win32Error.ERROR_ACCESS_DENIED));
    admin.eventLog("E3BackupAgent").registerSource();

    String key = EventLog.sourceKey("E3BackupAgent");
    assertThat(user.registry().getString(key, "EventMessageFile"))
        .contains(SimEventLog.MESSAGE_FILE);
    assertThat(user.registry().getDword(key, "TypesSupported")).contains(7);
    admin.eventLog("E3BackupAgent").unregisterSource();
    assertThat(user.registry().getString(key, "EventMessageFile")).isEmpty();
  }
}
