package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Locked files and VSS on the agent's simulated Windows host: the scenario opens the same machine
 * folder the agent process uses, so a lock it takes is one the agent meets.
 */
public final class VssSteps {
  private final ScenarioWorld w;
  private final BackupSteps backup;
  private String windowsFolder;
  private final Map<String, byte[]> contents = new LinkedHashMap<>();

  public VssSteps(ScenarioWorld w, BackupSteps backup) {
    this.w = w;
    this.backup = backup;
  }

  private SimulatedWindowsHost host() {
    return SimulatedWindowsHost.builder(w.windowsHostRoot()).journal(w.journal()).build();
  }

  @Given("the fake addon, an S3 server and an elevated agent process are running")
  public void elevatedAgent() {
    // As the service is (LocalSystem): VSS needs an elevated process.
    w.agentEnv.put("E3_SIMHOST_ELEVATED", "true");
    backup.systemRunning();
  }

  @Given(
      "a folder {string} on the agent's Windows host holding {string} of {int} bytes and {string}")
  public void windowsFolder(String folder, String big, int size, String small) throws Exception {
    windowsFolder = folder;
    Path local = host().resolve(folder);
    Files.createDirectories(local);
    w.folder = local; // the job names it by its Windows path (source_path below)
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Files.write(local.resolve(big), data);
    Files.writeString(local.resolve(small), "written by hand");
    contents.put(big, data);
  }

  @Given("{string} holds {string} open")
  public void holdsOpen(String process, String windowsPath) throws Exception {
    host().lockFile(windowsPath, process);
  }

  @Given("the agent's Windows host has no shadow storage left on drive C")
  public void noShadowStorage() throws IOException {
    Files.writeString(
        w.windowsHostRoot().resolve("volumes.json"), "{\"C\":{\"shadow_storage_bytes\":1024}}");
  }

  @Given(
      "a {word} job for that Windows folder to bucket {string} under prefix {string} with vss_mode {string}")
  public void job(String engine, String bucket, String prefix, String mode) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("source_path", windowsFolder);
    extra.put("vss_mode", mode);
    if (engine.equals("kopia")) {
      extra.put("encryption_password", "vss-" + w.uid);
    }
    backup.aJobWith(engine, bucket, prefix, extra);
  }

  @When("the job's vss_mode is set to {string}")
  public void setMode(String mode) {
    w.api().post("cloudbackup_update_job.php", Map.of("job_id", w.jobId, "vss_mode", mode));
  }

  @Then("the run's {string} event names {string} and {string}")
  public void eventNames(String code, String file, String error) {
    List<String> messages = new ArrayList<>();
    for (JsonNode e : w.events(w.runId)) {
      if (e.path("code").asText().equals(code)) {
        messages.add(e.path("message").asText());
      }
    }
    assertThat(messages)
        .as("%s events of run %d", code, w.runId)
        .anySatisfy(m -> assertThat(m).contains(file).contains(error));
  }

  @Then("the bucket has no object {string}")
  public void noObject(String key) {
    try {
      w.env.s3().client().headObject(r -> r.bucket(w.bucket).key(key));
      throw new AssertionError(key + " was uploaded");
    } catch (NoSuchKeyException e) {
      // expected
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      assertThat(e.statusCode()).isEqualTo(404);
    }
  }

  @Then("the object {string} equals the locked file byte for byte")
  public void objectEquals(String key) {
    byte[] got =
        w.env.s3().client().getObjectAsBytes(r -> r.bucket(w.bucket).key(key)).asByteArray();
    String name = key.substring(key.lastIndexOf('/') + 1);
    assertThat(got).isEqualTo(contents.get(name));
  }

  @Then("the restored {string} equals the locked file byte for byte")
  public void restoredEquals(String name) throws IOException {
    Path restored;
    try (Stream<Path> dirs = Files.list(w.dir)) {
      restored =
          dirs.filter(p -> p.getFileName().toString().startsWith("restore-"))
              .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .orElseThrow(() -> new AssertionError("no restore folder under " + w.dir));
    }
    assertThat(Files.readAllBytes(restored.resolve(name))).isEqualTo(contents.get(name));
  }

  @Then("the agent's Windows host has no shadow copy left")
  public void noShadowLeft() throws Exception {
    assertThat(host().shadowCopies().list()).isEmpty();
  }
}
