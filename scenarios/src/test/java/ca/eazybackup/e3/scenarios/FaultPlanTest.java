package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The relay's fault plan fires where the scenario's table says, and says what never fired. */
class FaultPlanTest {

  private static List<String> run(FaultPlan plan, String method, String url, int requests) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= requests; i++) {
      FaultPlan.Rule r = plan.decide(method, url);
      out.add(r == null ? "-" : r.fault);
    }
    return out;
  }

  @Test
  void aRuleCountsEveryRequestOfItsUrlAlsoThoseAnotherRuleFaulted() {
    // The cancel scenario's table: before, "reset on 6" waited for the 8th poll (the 500s on 3
    // and 4 were not counted), which a quick cancel never reached.
    FaultPlan plan = new FaultPlan();
    String poll = Pattern.quote("agent_poll_pending_commands.php");
    plan.add("POST", poll, Set.of(3, 4), "http 500");
    plan.add("POST", poll, Set.of(6), "reset");

    assertThat(run(plan, "POST", "/api/agent_poll_pending_commands.php", 6))
        .containsExactly("-", "-", "http 500", "http 500", "-", "reset");
    assertThat(plan.unfired()).isEmpty();
  }

  @Test
  void twoRulesOnOneRequestFireOneAfterTheOther() {
    FaultPlan plan = new FaultPlan();
    plan.add("PUT", Pattern.quote("partNumber="), Set.of(1), "http 500");
    plan.add("PUT", Pattern.quote("/"), Set.of(1, 3), "http 503");

    assertThat(run(plan, "PUT", "/b/k?partNumber=1&uploadId=x", 4))
        .containsExactly("http 500", "http 503", "http 503", "-");
    assertThat(plan.unfired()).isEmpty();
  }

  @Test
  void aFaultDueAfterTheLastRequestIsReportedAsNeverFired() {
    FaultPlan plan = new FaultPlan();
    plan.add("GET", Pattern.quote("/"), Set.of(2, 9), "truncated");
    plan.add("GET", Pattern.quote("/"), Set.of(1), "reset mid-body");

    assertThat(run(plan, "GET", "/b/k", 3)).containsExactly("reset mid-body", "truncated", "-");
    assertThat(plan.unfired()).singleElement().asString().contains("truncated", "(fired 1)");
    assertThat(run(plan, "POST", "/b/k", 10)).containsOnly("-");
  }
}
