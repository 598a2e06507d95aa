package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.shims.sim.NetworkDrive;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import ca.eazybackup.e3.whmcs.sim.AddonClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cloud NAS drives through the addon: the client's endpoints, the agent process, the simulated
 * Windows host it maps drives on, and a real WebDAV client (Sardine) talking to the mapped address.
 */
public final class NasMountSteps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ScenarioWorld w;
  private final RuntimeSteps relay;
  private long mountId;
  private String urlBefore;
  private byte[] written;

  public NasMountSteps(ScenarioWorld w, RuntimeSteps relay) {
    this.w = w;
    this.relay = relay;
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

  // ---- errors ----

  @Then("the agent's host still maps drive {string} to {string}")
  public void stillMapped(String letter, String remote) throws Exception {
    assertThat(host().drives().mappings()).containsEntry(letter.charAt(0), remote);
  }

  @When(
      "the client creates a Cloud NAS drive {string} for that bucket, it is refused with HTTP {int}"
          + " naming {string}")
  public void createRefused(String letter, int http, String field) {
    int before = w.api().post("cloudnas_list_mounts.php", Map.of()).path("mounts").size();
    AddonClient.Response r =
        w.api()
            .call(
                "POST",
                "cloudnas_create_mount.php",
                Map.of(
                    "agent_id",
                    w.account.agentId(),
                    "bucket",
                    w.bucket,
                    "drive_letter",
                    letter,
                    "cache_mode",
                    "off"));
    assertThat(r.httpStatus()).as(r.body().toString()).isEqualTo(http);
    assertThat(r.body().path("status").asText()).isEqualTo("fail");
    assertThat(r.body().path("field").asText()).isEqualTo(field);
    assertThat(r.body().path("message").asText()).contains(field);
    assertThat(w.api().post("cloudnas_list_mounts.php", Map.of()).path("mounts")).hasSize(before);
  }

  /**
   * An addon that validated less than this one (or a letter changed on the agent's side) hands the
   * agent a drive letter it cannot map; the agent must still report the mount's error.
   */
  @When(
      "the addon's next command poll hands the agent a nas_mount of that drive on letter {string}")
  public void handOutBadLetter(String letter) {
    ArrayNode commands = JSON.createArrayNode();
    ObjectNode c = commands.addObject();
    c.put("command_id", 800_000_000L + (System.nanoTime() % 1_000_000));
    c.put("type", "nas_mount");
    c.putNull("run_id");
    c.putNull("job_id");
    c.putNull("job");
    ObjectNode p = c.putObject("payload");
    p.put("mount_id", mountId);
    p.put("bucket", w.bucket);
    p.put("prefix", "");
    p.put("drive_letter", letter);
    p.put("cache_mode", "off");
    relay.handOutOnce(commands);
  }

  @Given("a bucket {string} of the client that S3 does not hold")
  public void bucketNotInS3(String name) {
    w.bucket = w.bucket(name, false);
  }

  // ---- settings and bandwidth ----

  @When(
      "the client saves Cloud NAS settings with the bandwidth limit on, upload {int} KB\\/s and"
          + " download {int} KB\\/s")
  public void saveBandwidth(int upKbps, int downKbps) {
    w.api()
        .post(
            "cloudnas_settings.php",
            Map.of(
                "bandwidth_limit_enabled",
                true,
                "bandwidth_upload_kbps",
                upKbps,
                "bandwidth_download_kbps",
                downKbps));
  }

  @Then(
      "the client's Cloud NAS settings read back the bandwidth limit on, upload {int} KB\\/s and"
          + " download {int} KB\\/s")
  public void settingsReadBack(int upKbps, int downKbps) {
    JsonNode s = w.api().get("cloudnas_settings.php").path("settings");
    assertThat(s.path("bandwidth_limit_enabled").asBoolean()).as(s.toString()).isTrue();
    assertThat(s.path("bandwidth_upload_kbps").asLong()).isEqualTo(upKbps);
    assertThat(s.path("bandwidth_download_kbps").asLong()).isEqualTo(downKbps);
  }

  @Then("a WebDAV client writes {int} KiB to {string} on the drive at {int} KB\\/s, within {int} %")
  public void timedWrite(int kib, String path, int kbps, int tolerance) throws Exception {
    written = new byte[kib * 1024];
    new Random(kib).nextBytes(written);
    Sardine dav = SardineFactory.begin();
    try {
      String base = url();
      dav.createDirectory(base + path.substring(0, path.lastIndexOf('/') + 1));
      // Connections and the agent's first S3 call are set up here, outside the measured part.
      dav.put(base + "warm-up.bin", new byte[1]);
      long t0 = System.nanoTime();
      dav.put(
          base + path,
          new ByteArrayInputStream(written),
          "application/octet-stream",
          false,
          written.length);
      assertRate("upload", written.length, System.nanoTime() - t0, kbps, tolerance);
    } finally {
      dav.shutdown();
    }
    // Cache mode off: the PUT is answered once the object is in S3.
    assertThat(w.env.s3().client().headObject(b -> b.bucket(w.bucket).key(path)).contentLength())
        .isEqualTo(written.length);
  }

  @Then("a WebDAV client reads {string} back byte for byte at {int} KB\\/s, within {int} %")
  public void timedRead(String path, int kbps, int tolerance) throws Exception {
    Sardine dav = SardineFactory.begin();
    try {
      String base = url();
      try (InputStream in = dav.get(base + "warm-up.bin")) {
        in.readAllBytes();
      }
      long t0 = System.nanoTime();
      byte[] back;
      try (InputStream in = dav.get(base + path)) {
        back = in.readAllBytes();
      }
      long nanos = System.nanoTime() - t0;
      assertThat(back).isEqualTo(written);
      assertRate("download", back.length, nanos, kbps, tolerance);
    } finally {
      dav.shutdown();
    }
  }

  /**
   * The agent meters in KB/s of 1,024 bytes (MountRequest). Unlimited, these transfers take well
   * under a second on loopback; the bounds show the client's limit is what holds them.
   */
  private void assertRate(String what, long bytes, long nanos, int kbps, int tolerance) {
    double limit = kbps * 1024.0;
    double rate = bytes / (nanos / 1e9);
    String figure =
        String.format(
            "nas %s: %d bytes in %.2f s = %.0f B/s, limit %.0f B/s (%.3fx)",
            what, bytes, nanos / 1e9, rate, limit, rate / limit);
    System.out.println(figure);
    assertThat(rate / limit).as(figure).isBetween(1 - tolerance / 100.0, 1 + tolerance / 100.0);
  }
}
