package ca.eazybackup.e3.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the agent sends stays within docs/agent-api.md's field limits. */
class ContractLimitsTest {

  @Test
  void aLongWindowsPathAsCurrentItemKeepsItsEndWithinTheLimit() {
    String path = "\\\\?\\C:\\" + "deep\\".repeat(1_000) + "report.docx";
    ObjectNode body = AgentApiClient.JSON.createObjectNode();
    body.put("run_id", 7);
    body.put("current_item", path);
    body.put("manifest_id", "k" + "0".repeat(40));
    ContractLimits.fitRunUpdate(body);
    String sent = body.get("current_item").asText();
    assertThat(sent).hasSize(ContractLimits.CURRENT_ITEM).startsWith("…").endsWith("report.docx");
    assertThat(body.get("manifest_id").asText()).isEqualTo("k" + "0".repeat(40));
  }

  @Test
  void shortValuesAreSentAsTheyAreAndNulIsDropped() {
    ObjectNode body = AgentApiClient.JSON.createObjectNode();
    body.put("current_item", "C:\\a\u0000b.txt");
    body.put("error_summary", "disk full");
    ContractLimits.fitRunUpdate(body);
    assertThat(body.get("current_item").asText()).isEqualTo("C:\\ab.txt");
    assertThat(body.get("error_summary").asText()).isEqualTo("disk full");
  }

  @Test
  void eventsAreShortenedFieldByField() {
    RunEvent e =
        new RunEvent(
            3,
            Instant.parse("2026-01-01T00:00:00Z"),
            "info",
            "info",
            "FILE_SKIPPED",
            "x".repeat(20_000),
            Map.of("path", "p".repeat(9_000), "files", 3));
    RunEvent fit = ContractLimits.fit(e);
    assertThat(fit.message()).hasSize(ContractLimits.TEXT).endsWith("…");
    assertThat((String) fit.params().get("path")).hasSize(ContractLimits.PARAM_TEXT);
    assertThat(fit.params().get("files")).isEqualTo(3);
    assertThat(fit.seq()).isEqualTo(3);
  }

  @Test
  void aSurrogatePairIsNeverCutInHalf() {
    String s = "a".repeat(9) + "😀" + "b".repeat(10);
    assertThat(ContractLimits.head(s, 11)).isEqualTo("a".repeat(9) + "…");
    assertThat(ContractLimits.tail("😀" + "b".repeat(9), 10)).isEqualTo("…" + "b".repeat(9));
  }
}
