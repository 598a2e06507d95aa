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

  public NasRcloneSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given("a bucket served by {string} in cache mode {string}")
  public void served(String command, String mode) throws IOException {
    requireRclone();
    S3Fixture s3 = w.env.s3();
    bucket = ("nas-" + mode + "-" + w.uid).toLowerCase(java.util.Locale.ROOT);
    s3.createBucket(bucket);
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
            s3.endpoint().toString(),
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
    Map<String, String> expected = new TreeMap<>();
    w.manifest.entries().forEach(e -> expected.put(e.path(), e.sha256()));
    assertThat(objects).as("nas serve stderr: " + stderr()).isEqualTo(expected);
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
