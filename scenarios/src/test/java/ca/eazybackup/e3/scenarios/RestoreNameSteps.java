package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;

/** Issue 13's hostile restore names, through the real agent process on the simulated host. */
public final class RestoreNameSteps {
  private final ScenarioWorld w;

  /** Hostile name → the folder of the source that holds it (one each, for kopia's selections). */
  private final Map<String, String> folderOf = new LinkedHashMap<>();

  private final List<String> keys = new ArrayList<>();
  private final Map<String, Long> restoreOf = new LinkedHashMap<>();
  private Path restored;

  public RestoreNameSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given("a folder holding {string} and, each in a folder of its own, files named:")
  public void folderWithNames(String ok, List<String> names) throws IOException {
    w.folder = Files.createDirectories(w.dir.resolve("badnames-source"));
    Files.writeString(w.folder.resolve(ok), "a file with an ordinary name");
    int i = 0;
    for (String name : names) {
      String folder = "d" + ++i;
      Files.writeString(
          Files.createDirectories(w.folder.resolve(folder)).resolve(name), "named " + name);
      folderOf.put(name, folder);
    }
  }

  @Given("the bucket also holds under the prefix the keys:")
  public void extraKeys(List<String> rels) {
    for (String rel : rels) {
      String key = w.prefix + "/" + rel;
      w.env
          .s3()
          .client()
          .putObject(
              b -> b.bucket(w.bucket).key(key),
              RequestBody.fromString("put beside the backup: " + rel, StandardCharsets.UTF_8));
      keys.add(rel);
    }
  }

  @When("the client restores that run to a new folder")
  public void restoreAll() {
    restored = w.dir.resolve("badnames-restored").resolve("target");
    w.restoreRunId = start(List.of(), restored);
  }

  private long start(List<String> paths, Path target) {
    return w.api()
        .post(
            "cloudbackup_start_restore.php",
            Map.of(
                "run_id",
                w.runId,
                "target_path",
                target.toString(),
                "paths",
                paths,
                "overwrite",
                "always"))
        .path("restore_run_id")
        .asLong();
  }

  @Then("the restore's warnings name each hostile name and key")
  public void warningsNameEach() {
    StringBuilder warnings = new StringBuilder();
    for (JsonNode e : w.events(w.restoreRunId)) {
      if ("warn".equals(e.path("level").asText())) {
        warnings.append(e.path("message").asText()).append('\n');
      }
    }
    for (String name : folderOf.keySet()) {
      assertThat(warnings.toString()).as("warnings of restore %d", w.restoreRunId).contains(name);
    }
    for (String rel : keys) {
      assertThat(warnings.toString()).as("warnings of restore %d", w.restoreRunId).contains(rel);
    }
  }

  @Then("the restored folder holds only {string} and nothing was written beside it")
  public void holdsOnly(String ok) throws IOException {
    List<String> files;
    try (Stream<Path> all = Files.walk(restored.getParent())) {
      files =
          all.filter(Files::isRegularFile)
              .map(p -> restored.getParent().relativize(p).toString())
              .toList();
    }
    assertThat(files).containsExactly("target/" + ok);
    assertThat(restored.getParent().getParent().resolve("escape.txt")).doesNotExist();
    assertThat(w.dir.resolve("escape.txt")).doesNotExist();
  }

  @When("the client restores each hostile name's folder of that run to a new folder")
  public void restoreEach() {
    for (Map.Entry<String, String> e : folderOf.entrySet()) {
      Path target = w.dir.resolve("badnames-kopia-" + e.getValue());
      restoreOf.put(e.getKey(), start(List.of(e.getValue()), target));
    }
  }

  @Then("each of those restores ends {string} naming its hostile name, and wrote nothing")
  public void eachFails(String status) throws IOException {
    for (Map.Entry<String, Long> e : restoreOf.entrySet()) {
      JsonNode run = w.awaitRun(w.jobId, e.getValue(), Duration.ofSeconds(180));
      assertThat(run.path("status").asText())
          .as("restore of the folder holding '%s'", e.getKey())
          .isEqualTo(status);
      assertThat(run.path("error_summary").asText())
          .as("error of the restore of '%s'", e.getKey())
          .contains("'" + e.getKey() + "'");
      Path target = w.dir.resolve("badnames-kopia-" + folderOf.get(e.getKey()));
      if (Files.exists(target)) {
        try (Stream<Path> all = Files.walk(target)) {
          assertThat(all.filter(Files::isRegularFile))
              .as("files the restore of '%s' wrote", e.getKey())
              .isEmpty();
        }
      }
    }
  }
}
