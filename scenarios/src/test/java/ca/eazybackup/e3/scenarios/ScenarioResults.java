package ca.eazybackup.e3.scenarios;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCaseFinished;
import java.util.ArrayList;
import java.util.List;

/**
 * A Cucumber plugin that keeps every scenario's result, so that {@link CucumberScenariosTest} can
 * report each scenario to JUnit (and so to Surefire and CI) as a test of its own.
 */
public final class ScenarioResults implements ConcurrentEventListener {
  static final List<TestCaseFinished> FINISHED = new ArrayList<>();

  @Override
  public void setEventPublisher(EventPublisher publisher) {
    publisher.registerHandlerFor(
        TestCaseFinished.class,
        e -> {
          synchronized (FINISHED) {
            FINISHED.add(e);
          }
        });
  }
}
