package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/scenarios.md} maps every seed flow to the scenario that shows it; this keeps the map
 * honest. Each table row must name feature files that exist and, in its scenario column, scenarios
 * of those files: a name written out in full, or shortened with "…" (a {@code <param>} stands for
 * an outline's parameter); remarks go in parentheses, several scenarios are separated by ";". A row
 * whose feature column says "server-level:" must name test classes that exist (the doc says why no
 * scenario can drive that rule). "no scenario yet" fails.
 */
class ScenarioMapTest {
  private static final Pattern SCENARIO =
      Pattern.compile("^\\s*Scenario(?: Outline| Template)?:\\s*(.*\\S)\\s*$");
  private static final Pattern FEATURE_FILE = Pattern.compile("([a-z0-9_]+\\.feature)");
  private static final Pattern CLASS_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*Test)[`.]");

  private static Path root() {
    Path features = Path.of(System.getProperty("e3.features.dir", "features")).toAbsolutePath();
    return features.getParent().getParent();
  }

  static Map<String, List<String>> scenariosByFeature(Path featuresDir) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(featuresDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".feature")).sorted().toList()) {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
          Matcher m = SCENARIO.matcher(line);
          if (m.matches()) {
            names.add(m.group(1));
          }
        }
        out.put(f.getFileName().toString(), names);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Problems with the map's rows; empty when every row points at what exists. */
  static List<String> problems(List<String> doc, Map<String, List<String>> features, Path root) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < doc.size(); i++) {
      String line = doc.get(i).strip();
      if (!line.startsWith("|") || line.startsWith("|---")) {
        continue;
      }
      String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
      if (cells.length < 3 || cells[1].strip().equals("feature")) {
        continue; // a header
      }
      String where = "docs/scenarios.md:" + (i + 1) + " (" + cells[0].strip() + ")";
      String featureCell = cells[1].strip();
      if (featureCell.contains("no scenario yet")) {
        problems.add(where + ": no scenario yet");
        continue;
      }
      if (featureCell.startsWith("server-level:")) {
        Matcher m = CLASS_NAME.matcher(featureCell + " " + cells[2]);
        boolean any = false;
        while (m.find()) {
          any = true;
          if (!testClassExists(root, m.group(1))) {
            problems.add(where + ": no test class " + m.group(1));
          }
        }
        if (!any) {
          problems.add(where + ": server-level names no test class");
        }
        continue;
      }
      List<String> files = new ArrayList<>();
      Matcher f = FEATURE_FILE.matcher(featureCell);
      while (f.find()) {
        files.add(f.group(1));
      }
      if (files.isEmpty()) {
        problems.add(where + ": names no feature file");
        continue;
      }
      List<String> missing = files.stream().filter(x -> !features.containsKey(x)).toList();
      if (!missing.isEmpty()) {
        missing.forEach(x -> problems.add(where + ": no feature file " + x));
        continue;
      }
      List<String> names = files.stream().flatMap(x -> features.get(x).stream()).toList();
      problems.addAll(unmatched(where, cells[2], names));
    }
    return problems;
  }

  private static List<String> unmatched(String where, String cell, List<String> names) {
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    String c = cell;
    // Names written out in full first: some hold ";" or parentheses themselves.
    for (int k = 0; k < sorted.size(); k++) {
      c = c.replace(sorted.get(k), "§" + k + "§");
    }
    String before;
    do {
      before = c;
      c = c.replaceAll("\\([^()]*\\)", "");
    } while (!c.equals(before));
    List<String> problems = new ArrayList<>();
    for (String piece : c.split(";", -1)) {
      String ref = piece.strip().replaceAll("\\.$", "").strip();
      if (ref.isEmpty() || ref.matches("§\\d+§")) {
        continue; // a remark on the scenario above, or a full name
      }
      StringBuilder rx = new StringBuilder();
      for (String part : ref.split("…|<[^>]*>", -1)) {
        if (!rx.isEmpty()) {
          rx.append(".*?");
        }
        rx.append(Pattern.quote(part.strip()));
      }
      Pattern p = Pattern.compile(rx.toString());
      if (names.stream().noneMatch(n -> p.matcher(n).matches())) {
        problems.add(where + ": no scenario \"" + ref + "\" in its features");
      }
    }
    return problems;
  }

  private static boolean testClassExists(Path root, String name) {
    try (Stream<Path> modules = Files.list(root)) {
      for (Path tests :
          modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
        try (Stream<Path> all = Files.walk(tests)) {
          if (all.anyMatch(p -> p.getFileName().toString().equals(name + ".java"))) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyRowOfTheSeedFlowMapPointsAtAScenarioThatExists() throws IOException {
    Path root = root();
    Map<String, List<String>> features = scenariosByFeature(root.resolve("scenarios/features"));
    List<String> doc = Files.readAllLines(root.resolve("docs/scenarios.md"));
    assertThat(features).isNotEmpty();
    assertThat(doc.stream().filter(l -> l.startsWith("| ")).count())
        .as("table rows in docs/scenarios.md")
        .isGreaterThan(60);
    assertThat(problems(doc, features, root)).isEmpty();
  }

  @Test
  void aRowThatNamesAMissingScenarioOrNoneIsCaught() {
    Path root = root();
    Map<String, List<String>> features =
        Map.of("a.feature", List.of("the first one; with a semicolon", "cache mode <mode>"));
    assertThat(
            problems(
                List.of(
                    "| rule | a.feature | the first one; with a semicolon (a remark) |",
                    "| rule | a.feature | the first … (abridged) |",
                    "| rule | a.feature | cache mode <mode>; (same) |"),
                features,
                root))
        .isEmpty();
    assertThat(
            problems(
                List.of(
                    "| rule | a.feature | the second one |",
                    "| rule | b.feature | the first one; with a semicolon |",
                    "| rule | **no scenario yet** | module level: `X` |",
                    "| rule | server-level: `NoSuchClassTest` | why |",
                    "| rule | a.feature | the first one; with a semicolon; and one renamed |"),
                features,
                root))
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).contains("no scenario \"the second one\""))
        .anySatisfy(p -> assertThat(p).contains("no feature file b.feature"))
        .anySatisfy(p -> assertThat(p).contains("no scenario yet"))
        .anySatisfy(p -> assertThat(p).contains("no test class NoSuchClassTest"))
        .anySatisfy(p -> assertThat(p).contains("\"and one renamed\""));
  }
}
