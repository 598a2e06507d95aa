package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks of what an agent reported that a scenario can make without knowing the run: events in
 * order and each report once, and a console free of lost reports.
 */
final class ReportChecks {
  /** Outbox log events that mean a report never reached the addon. */
  static final List<String> LOST_REPORT_MARKERS =
      List.of("outbox.dropped", "outbox.bug", "outbox.set_aside");

  private ReportChecks() {}

  /**
   * Sequence numbers strictly increase (they may jump: after an outage or restart the agent
   * continues in a new block), and each report arrives once: a report the agent sent again under a
   * new {@code seq} shows up as a second event with the same time, code, message and parameters.
   */
  static void assertEachReportOnceInOrder(JsonNode events) {
    List<Long> seqs = new ArrayList<>();
    Map<String, Long> firstSeqOfReport = new HashMap<>();
    List<String> repeated = new ArrayList<>();
    for (JsonNode e : events) {
      long seq = e.path("seq").asLong();
      seqs.add(seq);
      String report =
          e.path("ts").asText()
              + "|"
              + e.path("type").asText()
              + "|"
              + e.path("code").asText()
              + "|"
              + e.path("message").asText()
              + "|"
              + e.path("params");
      Long earlier = firstSeqOfReport.putIfAbsent(report, seq);
      if (earlier != null) {
        repeated.add(e.path("code").asText() + " as seq " + earlier + " and " + seq);
      }
    }
    assertThat(seqs).as("event seqs").isNotEmpty().isSorted().doesNotHaveDuplicates();
    assertThat(repeated).as("reports that arrived more than once").isEmpty();
  }

  /** The agent's console holds no sign of a report it gave up on or lost to a bug. */
  static void assertNoReportLost(String console) {
    for (String marker : LOST_REPORT_MARKERS) {
      assertThat(console).as("agent console").doesNotContain(marker);
    }
  }
}
