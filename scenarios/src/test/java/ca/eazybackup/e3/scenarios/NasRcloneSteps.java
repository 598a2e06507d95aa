package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.s3fixtures.DebianPackages;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import io.cucumber.java.After;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code e3-backup-agent nas serve} driven by Debian's rclone (webdav backend), the way users of
 * {@code rclone serve webdav} drive theirs.
 */
public final class NasRcloneSteps {
  private static final String PREFIX = "drive";
  private final ScenarioWorld w;
  private Process serve;
  private String url;
  private String bucket;
  private Path rcloneConfig;
  private Relay relay;
  private FaultPlan faults;
  private Map<String, String> expectedInBucket;
  private int refusedDuringOutage;

  public NasRcloneSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given("a bucket served by {string} in cache mode {string}")
  public void served(String command, String mode) throws IOException {
    requireRclone();
    S3Fixture s3 = w.env.s3();
    bucket = ("nas-" + mode + "-" + w.uid).toLowerCase(java.util.Locale.ROOT);
    s3.createBucket(bucket);
    startServe(mode, s3.endpoint().toString());
  }

  /**
   * The bucket holds a tree under the served prefix, written straight to S3 (not through the
   * relay), so that every read of it through {@code nas serve} has to go to S3.
   */
  @Given("a bucket holding the {string} tree under the served prefix")
  public void bucketHoldingTree(String preset) throws IOException {
    requireRclone();
    S3Fixture s3 = w.env.s3();
    bucket = ("nas-faults-" + w.uid).toLowerCase(java.util.Locale.ROOT);
    s3.createBucket(bucket);
    w.folder = w.dir.resolve("tree");
    w.manifest = w.generate(preset, 21, w.folder);
    S3Client c = s3.client();
    for (TreeManifest.Entry e : w.manifest.entries()) {
      c.putObject(
          b -> b.bucket(bucket).key(PREFIX + "/" + e.path()),
          software.amazon.awssdk.core.sync.RequestBody.fromFile(w.folder.resolve(e.path())));
    }
  }

  /**
   * {@code nas serve} reaches S3 only through a fault relay (faults.feature's): the rows name the
   * request ({@code GET /drive/} is a read of a served file, {@code PUT /drive/} an upload), the
   * fault and on which of those requests it fires.
   */
  @Given(
      "that bucket is served by {string} in cache mode {string} through an S3 relay that injects")
  public void servedThroughRelay(String command, String mode, io.cucumber.datatable.DataTable table)
      throws IOException {
    java.net.URI target = w.env.s3().endpoint();
    relay = new Relay(target);
    w.cleanups.push(relay::close);
    faults = relay.faults();
    FaultSteps.addRules(faults, table, null, null);
    startServe(mode, relay.urlFor(target));
  }

  @When("rclone copies the served drive to a new folder, identical to the bucket's tree")
  public void readThroughFaults() {
    copyBack();
  }

  @When("S3 refuses every upload of a served file")
  public void refuseUploads() {
    // files only: a folder marker (MKCOL, key ending in '/') is written through, not cached
    relay.refuseUploads("/[^/]+/" + PREFIX + "/.*[^/](\\?.*)?");
  }

  /**
   * The drive acknowledged every write (rclone's copy succeeded) while S3 held none of them: the
   * writes live in the drive's cache only, and the outage really refused their uploads.
   */
  @Then("S3 has refused uploads and holds none of {string} yet")
  public void refusedAndAbsent(String folder) {
    // uploads start after the write-back delay: await the first refused one
    org.awaitility.Awaitility.await("an upload refused during the outage")
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> relay.refusedUploads() > 0);
    assertThat(bucketObjects().keySet()).noneMatch(k -> k.startsWith(folder + "/"));
    refusedDuringOutage = relay.refusedUploads();
  }

  @When("S3 accepts uploads again")
  public void acceptUploads() {
    relay.acceptUploads();
  }

  @When(
      "rclone copies the {string} tree generated from seed {long} to {string} on the served drive")
  public void copyInUnder(String preset, long seed, String folder) {
    Path later = w.dir.resolve("later");
    TreeManifest m = w.generate(preset, seed, later);
    rclone("copy", later.toString(), "nas:" + folder);
    // the bucket must end up with both trees: the first one as it was, the new one under folder
    Map<String, String> both = new TreeMap<>();
    w.manifest.entries().forEach(e -> both.put(e.path(), e.sha256()));
    m.entries().forEach(e -> both.put(folder + "/" + e.path(), e.sha256()));
    expectedInBucket = both;
  }

  /** Awaited with the server still running: the background uploads retry until S3 answers. */
  @Then("within {int} seconds the bucket holds both trees byte for byte under the served prefix")
  public void bucketHoldsBoth(int seconds) {
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(seconds))
          .pollInterval(java.time.Duration.ofSeconds(1))
          .until(() -> bucketObjects().equals(expectedInBucket));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      assertThat(bucketObjects()).as("nas serve stderr: " + stderr()).isEqualTo(expectedInBucket);
    }
  }

  @Then("every fault the NAS's S3 relay was told to inject fired")
  public void nasFaultsFired() {
    assertThat(faults.unfired()).as("faults that never fired").isEmpty();
    String line =
        "event=faults_injected side=s3-nas fired="
            + faults.firedTotal()
            + " uploads_refused_in_outage="
            + refusedDuringOutage
            + " rules="
            + faults.rules();
    System.out.println(line);
  }

  private void startServe(String mode, String endpoint) throws IOException {
    S3Fixture s3 = w.env.s3();
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx384m",
            "-jar",
            SharedSystem.agentJar().toString(),
            "nas",
            "serve",
            "--endpoint",
            endpoint,
            "--region",
            s3.region(),
            "--bucket",
            bucket,
            "--prefix",
            PREFIX,
            "--cache-mode",
            mode,
            "--cache-dir",
            w.dir.resolve("nas-cache").toString());
    pb.environment().put("AWS_ACCESS_KEY_ID", s3.accessKey());
    pb.environment().put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    pb.redirectError(w.dir.resolve("nas-serve.err").toFile());
    serve = pb.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
    url = out.readLine();
    assertThat(url)
        .as("nas serve printed its URL first; stderr: %s", stderr())
        .isNotNull()
        .startsWith("http://127.0.0.1:");
    Thread drain =
        new Thread(
            () -> {
              try {
                out.transferTo(Writer.nullWriter());
              } catch (IOException ignored) {
                // the process ended
              }
            });
    drain.setDaemon(true);
    drain.start();
    rcloneConfig = w.dir.resolve("rclone.conf");
    Files.writeString(rcloneConfig, "[nas]\ntype = webdav\nurl = " + url + "\nvendor = other\n");
  }

  @When("rclone copies the {string} tree to the served drive")
  public void copyIn(String preset) {
    w.folder = w.dir.resolve("tree");
    w.manifest = w.generate(preset, 15, w.folder);
    rclone("copy", w.folder.toString(), "nas:");
  }

  @Then("rclone check finds the served drive and the tree identical")
  public void check() {
    // --download compares the bytes: a WebDAV server without checksums offers sizes only
    rclone("check", "--download", w.folder.toString(), "nas:");
  }

  @Then("rclone copies the served drive back to a new folder, identical to the tree")
  public void copyBack() {
    Path back = w.dir.resolve("back");
    rclone("copy", "nas:", back.toString());
    TreeManifest.Differences d = w.manifest.verify(back);
    assertThat(d.none()).as(d.summary()).isTrue();
  }

  @When("the {string} process is stopped with SIGTERM")
  public void stop(String command) throws InterruptedException {
    serve.destroy(); // SIGTERM: the shutdown hook flushes pending uploads
    assertThat(serve.waitFor(5, TimeUnit.MINUTES)).as("nas serve exited").isTrue();
  }

  @Then("the bucket holds the tree byte for byte under the served prefix")
  public void bucketHoldsTree() {
    Map<String, String> expected = new TreeMap<>();
    w.manifest.entries().forEach(e -> expected.put(e.path(), e.sha256()));
    assertThat(bucketObjects()).as("nas serve stderr: " + stderr()).isEqualTo(expected);
  }

  /** Files under the served prefix and their SHA-256, read straight from S3. */
  private Map<String, String> bucketObjects() {
    // folder markers (MKCOL) are no files: compared here, not with S3TreeVerifier
    S3Client s3 = w.env.s3().client();
    Map<String, String> objects = new TreeMap<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(PREFIX + "/"))
        .contents()
        .forEach(
            o -> {
              if (!o.key().endsWith("/")) {
                objects.put(o.key().substring(PREFIX.length() + 1), sha256(s3, o.key()));
              }
            });
    return objects;
  }

  @After("@nas")
  public void stopServe() {
    if (serve != null && serve.isAlive()) {
      serve.destroyForcibly();
    }
  }

  private String sha256(S3Client s3, String key) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void rclone(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("rclone");
    cmd.add("--config");
    cmd.add(rcloneConfig.toString());
    cmd.add("--low-level-retries");
    cmd.add("1");
    cmd.add("-v");
    cmd.add("--retries");
    cmd.add("1");
    cmd.addAll(List.of(args));
    try {
      Path log = w.dir.resolve("rclone-" + args[0] + ".log");
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("rclone %s finished", args[0]).isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue())
          .as("rclone %s: %s%nnas serve stderr: %s", String.join(" ", args), output, stderr())
          .isZero();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String stderr() {
    try {
      Path err = w.dir.resolve("nas-serve.err");
      if (!Files.exists(err)) {
        return "";
      }
      String s = Files.readString(err, StandardCharsets.UTF_8);
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static void requireRclone() {
    try {
      DebianPackages.ensureInstalled("rclone", List.of("rclone"), List.of("rclone"));
    } catch (DebianPackages.Unavailable e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI must run the @nas scenarios: " + e.getMessage(), e);
      }
      throw new TestAbortedException("@nas scenarios skipped: " + e.getMessage(), e);
    }
  }
}
