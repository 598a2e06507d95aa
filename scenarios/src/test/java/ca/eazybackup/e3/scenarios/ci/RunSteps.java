package ca.eazybackup.e3.scenarios.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the repository files a workflow's steps invoke — the command of each shell command in a
 * {@code run:} block, the script an interpreter is given ({@code bash x.sh}, {@code node x.cjs},
 * {@code pwsh -File x.ps1}) and local actions ({@code uses: ./…}) — and reports the ones the
 * repository does not have. Output paths a step merely mentions ({@code cat target/x.txt}) are not
 * invocations and are not checked: they are made by the build.
 */
final class RunSteps {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> INTERPRETERS =
      Set.of("bash", "sh", "node", "python", "python3", "pwsh", "powershell", "cmd", "source", ".");
  private static final Pattern SEPARATORS = Pattern.compile("&&|\\|\\||;|\\||\\n|\\(|\\)");

  /** A file a step invokes that is missing. */
  record Missing(String workflow, String job, String step, String path) {
    @Override
    public String toString() {
      return workflow
          + " job '"
          + job
          + "' step '"
          + step
          + "': "
          + path
          + " is not in the repository";
    }
  }

  private RunSteps() {}

  static List<Missing> missingFiles(Path repo, Path workflow) throws IOException {
    JsonNode root = YAML.readTree(workflow.toFile());
    List<Missing> missing = new ArrayList<>();
    String name = repo.relativize(workflow).toString();
    JsonNode jobs = root.path("jobs");
    String workflowDir = root.path("defaults").path("run").path("working-directory").asText("");
    for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> job = it.next();
      String jobDir =
          job.getValue().path("defaults").path("run").path("working-directory").asText(workflowDir);
      int index = 0;
      for (JsonNode step : job.getValue().path("steps")) {
        index++;
        String stepName = step.path("name").asText("#" + index);
        String uses = step.path("uses").asText("");
        if (uses.startsWith("./") && !Files.exists(repo.resolve(uses))) {
          missing.add(new Missing(name, job.getKey(), stepName, uses));
        }
        if (step.has("run")) {
          Path dir = repo.resolve(step.path("working-directory").asText(jobDir));
          for (String path : invokedPaths(step.path("run").asText())) {
            if (!Files.exists(dir.resolve(path).normalize())) {
              missing.add(new Missing(name, job.getKey(), stepName, path));
            }
          }
        }
      }
    }
    return missing;
  }

  /** The relative paths a shell script runs as commands or hands to an interpreter. */
  static List<String> invokedPaths(String script) {
    List<String> paths = new ArrayList<>();
    String joined = script.replace("\\\n", " ");
    for (String command : SEPARATORS.split(joined)) {
      List<String> words = words(command);
      int i = 0;
      while (i < words.size() && words.get(i).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        i++; // leading VAR=value assignments
      }
      while (i < words.size()
          && Set.of("sudo", "env", "exec", "time", "nice").contains(words.get(i))) {
        i++;
      }
      if (i >= words.size()) {
        continue;
      }
      String first = words.get(i);
      if (INTERPRETERS.contains(first)) {
        for (int j = i + 1; j < words.size(); j++) {
          String arg = words.get(j);
          if (arg.equals("-c") || arg.equals("-Command") || arg.equals("/c")) {
            break; // inline code, not a file
          }
          if (arg.startsWith("-")) {
            continue;
          }
          if (isRepoPath(arg)) {
            paths.add(arg);
          }
          break;
        }
      } else if (first.contains("/") && isRepoPath(first)) {
        paths.add(first);
      }
    }
    return paths;
  }

  private static boolean isRepoPath(String word) {
    return !word.isEmpty()
        && !word.startsWith("/")
        && !word.startsWith("~")
        && !word.contains("$")
        && !word.contains("://")
        && !word.contains("*");
  }

  private static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    for (String w : command.trim().split("\\s+")) {
      String unquoted = w.replaceAll("^[\"']|[\"']$", "");
      if (unquoted.startsWith(".\\")) {
        unquoted = unquoted.replace('\\', '/'); // PowerShell's .\mvnw.cmd
      }
      if (!unquoted.isEmpty()) {
        words.add(unquoted);
      }
    }
    return words;
  }
}
