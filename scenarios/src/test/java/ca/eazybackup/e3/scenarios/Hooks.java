package ca.eazybackup.e3.scenarios;

import io.cucumber.java.After;
import io.cucumber.java.Scenario;

/**
 * Stops the scenario's agent process, attaching its console when the scenario failed, and removes
 * the scenario's files when it passed.
 */
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
    // A passed scenario's folders (trees up to 200 MiB) go; a failed one's stay for a look.
    if (scenario.isFailed()) {
      scenario.log("scenario files kept in " + world.dir);
    } else {
      world.deleteFiles();
    }
  }
}
