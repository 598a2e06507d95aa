package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.shims.sim.NetworkDrive;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cloud NAS drives through the addon: the client's endpoints, the agent process, the simulated
 * Windows host it maps drives on, and a real WebDAV client (Sardine) talking to the mapped address.
 */
public final class NasMountSteps {
  private final ScenarioWorld w;
  private long mountId;
  private String urlBefore;

  public NasMountSteps(ScenarioWorld w) {
    this.w = w;
  }

  private SimulatedWindowsHost host() {
    return SimulatedWindowsHost.builder(w.windowsHostRoot()).journal(w.journal()).build();
  }

  Optional<NetworkDrive> drive(char letter) throws Exception {
    return host().networkDrives().stream().filter(d -> d.letter() == letter).findFirst();
  }

  JsonNode mount() {
    for (JsonNode m : w.api().post("cloudnas_list_mounts.php", Map.of()).path("mounts")) {
      if (m.path("mount_id").asLong() == mountId) {
        return m;
      }
    }
    return null;
  }

  /** Time Machine's snapshot drives are followed by the same steps as Cloud NAS drives. */
  void follow(long mountId) {
    this.mountId = mountId;
  }

  String driveUrl() throws Exception {
    return url();
  }

  private String url() throws Exception {
    return drive(driveLetter()).orElseThrow(() -> new AssertionError("no drive mapped")).remote();
  }

  private char driveLetter() {
    return mount().path("drive_letter").asText().charAt(0);
  }

  @Given("a bucket {string} of the client holding {string} and {string}")
  public void bucketHolding(String name, String first, String second) {
    w.bucket = w.bucket(name, true);
    for (String key : List.of(first, second)) {
      w.env
          .s3()
          .client()
          .putObject(
              b -> b.bucket(w.bucket).key(key),
              RequestBody.fromString("content of " + key, StandardCharsets.UTF_8));
    }
  }

  @When("the client creates a Cloud NAS drive {string} for that bucket with cache mode {string}")
  public void createDrive(String letter, String cacheMode) {
    mountId =
        w.api()
            .post(
                "cloudnas_create_mount.php",
                Map.of(
                    "agent_id",
                    w.account.agentId(),
                    "bucket",
                    w.bucket,
                    "drive_letter",
                    letter,
                    "cache_mode",
                    cacheMode))
            .path("mount_id")
            .asLong();
    assertThat(mountId).isPositive();
  }

  @When("the client mounts the drive")
  public void mountDrive() {
    w.api().post("cloudnas_mount.php", Map.of("mount_id", mountId));
  }

  @When("the client unmounts the drive")
  public void unmountDrive() {
    w.api().post("cloudnas_unmount.php", Map.of("mount_id", mountId));
  }

  @When("the client deletes the drive")
  public void deleteDrive() {
    w.api().post("cloudnas_delete_mount.php", Map.of("mount_id", mountId));
  }

  @Then("the drive's status becomes {string} within {int} seconds")
  public void statusBecomes(String status, int seconds) throws Exception {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(mount().path("status").asText())
                    .as(
                        "drive status (error: %s)%s",
                        mount().path("error").asText(), w.diagnostics())
                    .isEqualTo(status));
    if (status.equals("mounted")) {
      // Remembered so that a restart's new mapping can be told from the old one; none when the
      // tray helper, not the (elevated) agent, maps it.
      urlBefore = drive(driveLetter()).map(NetworkDrive::remote).orElse(null);
    }
  }

  @Then("the drive's status is {string}")
  public void statusIs(String status) {
    assertThat(mount().path("status").asText()).isEqualTo(status);
  }

  @Then("the drive's error mentions {string}")
  public void errorMentions(String text) {
    assertThat(mount().path("error").asText()).contains(text);
  }

  @Then(
      "the agent's host shows drive {string} labelled {string} with the bucket's name, owned by the"
          + " agent's standard session and announced to Explorer")
  public void hostShowsDrive(String letter, String label) throws Exception {
    NetworkDrive d =
        drive(letter.charAt(0)).orElseThrow(() -> new AssertionError(letter + " not mapped"));
    assertThat(d.label()).isEqualTo(label + " (" + w.bucket + ")");
    assertThat(d.session()).isEqualTo("standard");
    assertThat(d.pid()).isEqualTo(w.agent.pid());
    assertThat(d.announced()).isTrue();
    assertThat(d.remote()).startsWith("http://127.0.0.1:");
    assertThat(host().explorerView().shows(letter.charAt(0))).isTrue();
    List<Map<String, Object>> journal = SimulatedWindowsHost.readJournal(w.journal());
    assertThat(journal)
        .extracting(m -> String.valueOf(m.get("op")))
        .containsSubsequence("service.start", "drive.map", "registry.set", "shell.drive_added");
  }

  @Then("the agent's host has no drive {string}")
  public void noDrive(String letter) throws Exception {
    assertThat(drive(letter.charAt(0))).isEmpty();
  }

  @Then("a WebDAV client lists {string} and the folder {string} in {string} on the drive")
  public void listsWithFolder(String file, String folder, String dir) throws Exception {
    List<String> names = list(dir);
    assertThat(names).contains(file, folder + "/");
  }

  @Then("a WebDAV client lists {string} in {string} on the drive")
  public void lists(String file, String dir) throws Exception {
    assertThat(list(dir)).contains(file);
  }

  private List<String> list(String dir) throws Exception {
    Sardine dav = SardineFactory.begin();
    try {
      String base = url();
      List<DavResource> all = dav.list(base + (dir.isEmpty() ? "" : dir + "/"), 1);
      return all.subList(1, all.size()).stream()
          .map(r -> r.getName() + (r.isDirectory() ? "/" : ""))
          .toList();
    } finally {
      dav.shutdown();
    }
  }

  @When("a WebDAV client writes {string} with {int} bytes to the drive")
  public void writes(String path, int size) throws Exception {
    Sardine dav = SardineFactory.begin();
    try {
      String base = url();
      String parent = path.substring(0, path.lastIndexOf('/') + 1);
      if (!parent.isEmpty()) {
        dav.createDirectory(base + parent);
      }
      dav.put(base + path, new byte[size]);
    } finally {
      dav.shutdown();
    }
  }

  @Then("the drive's cache used becomes more than {int} bytes within {int} seconds")
  public void cacheUsed(int bytes, int seconds) {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> assertThat(mount().path("cache_bytes_used").asLong(-1)).isGreaterThan(bytes));
  }

  @Then("the bucket holds {string} with {int} bytes")
  public void bucketHolds(String key, int size) {
    long length = w.env.s3().client().headObject(b -> b.bucket(w.bucket).key(key)).contentLength();
    assertThat(length).isEqualTo(size);
  }

  @Then("the client has no Cloud NAS drive")
  public void noDrives() {
    assertThat(w.api().post("cloudnas_list_mounts.php", Map.of()).path("mounts")).isEmpty();
  }

  @Then("the agent's host maps drive {string} to a new address within {int} seconds")
  public void remapped(String letter, int seconds) {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              // Between clearing the stale mapping and mapping anew the letter is briefly free.
              NetworkDrive d =
                  drive(letter.charAt(0))
                      .orElseThrow(() -> new AssertionError(letter + " not mapped (yet)"));
              assertThat(d.remote()).isNotEqualTo(urlBefore);
              assertThat(d.pid()).isEqualTo(w.agent.pid());
            });
  }
}
