package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The scenario checks fail on what they guard against, where the checks they replaced passed: a
 * report re-sent under a new seq, and an {@code outbox.bug} line.
 */
class ReportChecksTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode event(long seq, String ts, String code, int filesDone) throws Exception {
    return JSON.readTree(
        "{\"seq\":"
            + seq
            + ",\"ts\":\""
            + ts
            + "\",\"type\":\"progress\",\"code\":\""
            + code
            + "\",\"message\":\"m\",\"params\":{\"files_done\":"
            + filesDone
            + "}}");
  }

  @Test
  void aReportResentUnderANewSeqFailsTheCheckThatUniqueSeqsPassed() throws Exception {
    var events = JSON.createArrayNode();
    events.add(event(1, "2026-01-01T00:00:00.100Z", "BACKUP_STARTING", 0));
    events.add(event(2, "2026-01-01T00:00:10.100Z", "BACKUP_PROGRESS", 5));
    events.add(event(101, "2026-01-01T00:00:10.100Z", "BACKUP_PROGRESS", 5)); // the same, again
    events.add(event(102, "2026-01-01T00:00:20.100Z", "BACKUP_COMPLETED", 9));

    // The old check: seqs sorted and unique. It passes this stream.
    java.util.List<Long> seqs = new java.util.ArrayList<>();
    events.forEach(e -> seqs.add(e.path("seq").asLong()));
    assertThat(seqs).isSorted().doesNotHaveDuplicates();

    assertThatThrownBy(() -> ReportChecks.assertEachReportOnceInOrder(events))
        .hasMessageContaining("BACKUP_PROGRESS as seq 2 and 101");
  }

  @Test
  void distinctReportsWithJumpsInSeqPass() throws Exception {
    var events = JSON.createArrayNode();
    events.add(event(1, "2026-01-01T00:00:00.100Z", "BACKUP_STARTING", 0));
    events.add(event(101, "2026-01-01T00:00:10.100Z", "BACKUP_PROGRESS", 5));
    events.add(event(102, "2026-01-01T00:00:20.100Z", "BACKUP_COMPLETED", 9));
    ReportChecks.assertEachReportOnceInOrder(events);
  }

  @Test
  void anOutboxBugLineFailsTheLostReportCheck() {
    String console = "12:00:01 ERROR outbox.bug item=events(run 3) error=NullPointerException";
    assertThat(console).doesNotContain("outbox.dropped"); // what the scenario looked for before
    assertThatThrownBy(() -> ReportChecks.assertNoReportLost(console))
        .hasMessageContaining("outbox.bug");
  }
}
