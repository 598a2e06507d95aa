package ca.eazybackup.e3.scenarios;

import static org.junit.jupiter.api.Assertions.fail;

import io.cucumber.core.cli.Main;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCaseFinished;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Runs every feature under {@code scenarios/features} and reports each scenario as one JUnit test.
 * (Surefire does not count tests of Cucumber's own JUnit Platform engine, so a failing scenario
 * would not fail the build; this way it does.)
 *
 * <p>{@code -Dcucumber.filter.tags=@s3compat} selects scenarios by tag.
 */
class CucumberScenariosTest {

  @TestFactory
  Stream<DynamicTest> scenarios() {
    List<String> args = new ArrayList<>();
    args.add("--glue");
    args.add(CucumberScenariosTest.class.getPackageName());
    String report = "target/" + System.getProperty("e3.report.name", "cucumber-report");
    for (String plugin :
        List.of(
            "pretty:" + report + "-pretty.txt",
            "summary",
            "html:" + report + ".html",
            "json:" + report + ".json",
            ScenarioResults.class.getName())) {
      args.add("--plugin");
      args.add(plugin);
    }
    String tags = System.getProperty("cucumber.filter.tags", "");
    if (!tags.isBlank()) {
      args.add("--tags");
      args.add(tags);
    }
    String name = System.getProperty("cucumber.filter.name", "");
    if (!name.isBlank()) {
      args.add("--name");
      args.add(name);
    }
    args.add(
        Path.of(System.getProperty("e3.features.dir", "features")).toAbsolutePath().toString());
    try {
      SharedSystem.get();
    } catch (ca.eazybackup.e3.s3fixtures.S3FixtureUnavailableException e) {
      // MinIO without a Docker engine, say: the suite is skipped with the reason, not failed
      // (CI promises every fixture but MinIO, so there it fails).
      String kind = System.getProperty("s3.fixture", "s3proxy");
      if ("true".equalsIgnoreCase(System.getenv("CI")) && !"minio".equals(kind)) {
        throw e;
      }
      return Stream.of(
          DynamicTest.dynamicTest(
              "S3 fixture '" + kind + "' available",
              () -> org.junit.jupiter.api.Assumptions.abort(e.getMessage())));
    }
    ScenarioResults.FINISHED.clear();
    Main.run(args.toArray(String[]::new), Thread.currentThread().getContextClassLoader());
    SharedSystem.close();
    List<TestCaseFinished> finished;
    synchronized (ScenarioResults.FINISHED) {
      finished = List.copyOf(ScenarioResults.FINISHED);
    }
    System.out.println(closingLine(finished, report));
    if (finished.isEmpty()) {
      return Stream.of(
          DynamicTest.dynamicTest(
              "scenarios were selected", () -> fail("no scenario matched tags '" + tags + "'")));
    }
    return finished.stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    featureName(e) + ": " + e.getTestCase().getName(),
                    () -> {
                      Status status = e.getResult().getStatus();
                      Throwable skip = e.getResult().getError();
                      if (status == Status.SKIPPED && skip instanceof TestAbortedException) {
                        // A scenario whose tool cannot run here (e.g. no browser): reported as
                        // skipped with the reason, never as passed.
                        throw skip;
                      }
                      if (status != Status.PASSED) {
                        Throwable error = e.getResult().getError();
                        throw new AssertionError(
                            "scenario " + status + (error == null ? "" : ": " + error.getMessage()),
                            error);
                      }
                    }));
  }

  /** The suite's last line: {@code scenarios: N passed, N failed} (and skipped, when any). */
  static String closingLine(List<TestCaseFinished> finished, String report) {
    long passed = finished.stream().filter(e -> e.getResult().getStatus() == Status.PASSED).count();
    long skipped =
        finished.stream().filter(e -> e.getResult().getStatus() == Status.SKIPPED).count();
    long failed = finished.size() - passed - skipped;
    return "scenarios: "
        + passed
        + " passed, "
        + failed
        + " failed"
        + (skipped > 0 ? ", " + skipped + " skipped" : "")
        + " (report: "
        + report
        + ".html, "
        + report
        + ".json)";
  }

  private static String featureName(TestCaseFinished e) {
    String uri = e.getTestCase().getUri().toString();
    return uri.substring(uri.lastIndexOf('/') + 1) + ":" + e.getTestCase().getLocation().getLine();
  }
}
