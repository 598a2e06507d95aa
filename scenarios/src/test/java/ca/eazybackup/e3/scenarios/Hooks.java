package ca.eazybackup.e3.scenarios;

import io.cucumber.java.After;
import io.cucumber.java.Scenario;

/** Stops the scenario's agent process, attaching its console when the scenario failed. */
public final class Hooks {
  private final ScenarioWorld world;

  public Hooks(ScenarioWorld world) {
    this.world = world;
  }

  @After
  public void stopAgent(Scenario scenario) {
    if (scenario.isFailed()) {
      scenario.log(world.diagnostics());
    }
    world.close();
  }
}
