package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The sync engine: what it uploads (counted at an S3 relay), filters, mirrors and restores. */
public final class SyncSteps {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private final ScenarioWorld w;
  private final BackupSteps backup;
  private Relay s3Relay;
  private List<String> edited = List.of();
  private Path restored;

  public SyncSteps(ScenarioWorld w, BackupSteps backup) {
    this.w = w;
    this.backup = backup;
  }

  @Given("the agent's S3 traffic goes through a counting relay")
  public void countingRelay() {
    URI s3 = w.env.s3().endpoint();
    s3Relay = new Relay(s3);
    setS3Endpoint(s3Relay.urlFor(s3));
    w.cleanups.push(s3Relay::close);
    w.cleanups.push(() -> setS3Endpoint(s3.toString()));
  }

  private void setS3Endpoint(String url) {
    w.env.simControl().post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", url));
  }

  @Given("a folder of {int} files of {int} KiB each")
  public void equalFiles(int count, int kib) throws IOException {
    w.folder = Files.createDirectories(w.dir.resolve("source"));
    SplittableRandom rng = new SplittableRandom(count * 31L + kib);
    for (int i = 0; i < count; i++) {
      byte[] data = new byte[kib * (int) KIB];
      rng.nextBytes(data);
      Files.write(w.folder.resolve(String.format("f%02d.bin", i)), data);
    }
    w.manifest = TreeManifest.scan(w.folder);
  }

  @Given("a folder holding one {int} MiB file")
  public void oneBigFile(int mib) throws IOException {
    w.folder = Files.createDirectories(w.dir.resolve("source"));
    Path big = w.folder.resolve("video/big.bin");
    Files.createDirectories(big.getParent());
    SplittableRandom rng = new SplittableRandom(mib);
    byte[] chunk = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(big)) {
      for (int i = 0; i < mib; i++) {
        rng.nextBytes(chunk);
        out.write(chunk);
      }
    }
    Files.setLastModifiedTime(big, FileTime.fromMillis(1_650_000_000_123L));
    w.manifest = TreeManifest.scan(w.folder);
  }

  @Given(
      "a mirror sync job for that folder to bucket {string} under prefix {string} excluding {string}")
  public void mirrorJob(String bucket, String prefix, String excludes) {
    backup.aJobWith(
        "sync",
        bucket,
        prefix,
        Map.of("policy_json", Map.of("mirror", true), "local_exclude_glob", excludes));
  }

  @Given(
      "a sync job for that folder and a file the agent cannot read to bucket {string} under prefix {string}")
  public void jobWithUnreadableFile(String bucket, String prefix) throws IOException {
    Path unreadable = unreadableFile();
    backup.aJobWith(
        "sync",
        bucket,
        prefix,
        Map.of("source_paths", List.of(w.folder.toString(), unreadable.toString())));
  }

  /**
   * A regular file this process (and so the agent, run as the same user) cannot open: one with no
   * permissions, or — as root, whom permissions do not stop — a write-only kernel attribute, which
   * refuses reads to everyone.
   */
  private Path unreadableFile() throws IOException {
    Path locked = w.dir.resolve("locked/secret.bin");
    Files.createDirectories(locked.getParent());
    Files.writeString(locked, "no one may read this");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    if (!canOpen(locked)) {
      return locked;
    }
    try (Stream<Path> sys = Files.walk(Path.of("/sys/bus"), 2)) {
      Optional<Path> writeOnly =
          sys.filter(Files::isRegularFile).filter(p -> !canOpen(p)).findFirst();
      assertThat(writeOnly)
          .as("a file that the agent cannot read (running as root, and /sys/bus has none)")
          .isPresent();
      return writeOnly.get();
    }
  }

  private static boolean canOpen(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      return true;
    } catch (AccessDeniedException e) {
      return false;
    } catch (IOException e) {
      return true; // some other trouble: not the kind of file we are looking for
    }
  }

  @Given(
      "a sync job for that folder reading local files at {int} KiB\\/s to bucket {string} under prefix {string}")
  public void localLimitedJob(int kibPerSec, String bucket, String prefix) {
    backup.aJobWith("sync", bucket, prefix, Map.of("local_bandwidth_limit_kbps", kibPerSec));
  }

  @Given("a program appends to {string} every {int} ms while the run goes on")
  public void appender(String file, int millis) {
    Path target = w.folder.resolve(file);
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(
        () -> {
          try {
            Files.write(target, new byte[16], StandardOpenOption.APPEND);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        0,
        millis,
        TimeUnit.MILLISECONDS);
    w.cleanups.push(writer::shutdownNow);
  }

  @When("the relay forgets the requests it has seen")
  public void forget() {
    s3Relay.forgetRequests();
  }

  @When("one percent of the folder's files are edited")
  public void editOnePercent() {
    edited = TestTree.modifyOnePercent(w.folder, 77);
    assertThat(edited).isNotEmpty();
    w.manifest = TreeManifest.scan(w.folder);
  }

  @When("{int} files of the folder's {string} are deleted")
  public void deleteFiles(int n, String sub) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(w.folder.resolve(sub))) {
      files = s.filter(Files::isRegularFile).sorted().limit(n).toList();
    }
    assertThat(files).hasSize(n);
    for (Path f : files) {
      Files.delete(f);
    }
    w.manifest = TreeManifest.scan(w.folder);
  }

  @Then("the relay saw no upload and the run reports {long} bytes uploaded")
  public void noUpload(long bytes) {
    assertThat(uploads()).as("PUT/POST requests of the no-change run").isEmpty();
    assertThat(runStats().path("bytes_uploaded").asLong()).isEqualTo(bytes);
  }

  @Then("the relay saw one upload per edited file and no other")
  public void oneUploadPerEditedFile() {
    Set<String> expected = new HashSet<>();
    for (String rel : edited) {
      expected.add("/" + w.bucket + "/" + w.prefix + "/" + rel);
    }
    List<String> put = new ArrayList<>();
    for (LoggedRequest r : uploads()) {
      put.add(r.getMethod().getName() + " " + decodedPath(r));
    }
    assertThat(put)
        .containsExactlyInAnyOrderElementsOf(expected.stream().map(p -> "PUT " + p).toList());
    assertThat(runStats().path("files_uploaded").asLong()).isEqualTo(edited.size());
  }

  @Then("the relay saw {int} multipart upload of {int} parts")
  public void multipart(int uploads, int parts) {
    List<LoggedRequest> all = s3Relay.requests();
    long created =
        all.stream()
            .filter(r -> r.getMethod().getName().equals("POST") && r.getUrl().contains("uploads"))
            .count();
    long partPuts =
        all.stream()
            .filter(
                r -> r.getMethod().getName().equals("PUT") && r.getUrl().contains("partNumber="))
            .count();
    assertThat(created).as("CreateMultipartUpload requests").isEqualTo(uploads);
    assertThat(partPuts).as("UploadPart requests").isEqualTo(parts);
  }

  @Then("the relay saw at least {int} ranged downloads")
  public void rangedDownloads(int n) {
    long ranged =
        s3Relay.requests().stream()
            .filter(r -> r.getMethod().getName().equals("GET") && r.containsHeader("Range"))
            .count();
    assertThat(ranged).isGreaterThanOrEqualTo(n);
  }

  @Then("the relay measured uploads at {int} KiB\\/s within {int} %")
  public void measuredRate(int kibPerSec, int percent) {
    List<LoggedRequest> puts =
        s3Relay.requests().stream().filter(r -> r.getMethod().getName().equals("PUT")).toList();
    assertThat(puts).hasSizeGreaterThan(4);
    // The slow job uploads 2 files at once: the first 2 uploads are under way from the start, so
    // the bytes after them are what moved between the first and the last request.
    long bytes = 0;
    for (int i = 2; i < puts.size(); i++) {
      bytes += puts.get(i).getBody().length;
    }
    double seconds =
        (puts.get(puts.size() - 1).getLoggedDate().getTime()
                - puts.get(0).getLoggedDate().getTime())
            / 1000.0;
    double ratio = bytes / seconds / (kibPerSec * KIB);
    assertThat(ratio)
        .as("measured %.0f B/s over %.2f s", bytes / seconds, seconds)
        .isBetween(1 - percent / 100.0, 1 + percent / 100.0);
  }

  @Then("the objects under {string} are exactly the folder's files without {string} and {string}")
  public void exactlyTheFilteredFolder(String prefix, String globA, String globB)
      throws IOException {
    List<PathMatcher> excluded =
        List.of(
            FileSystems.getDefault().getPathMatcher("glob:" + globA),
            FileSystems.getDefault().getPathMatcher("glob:" + globB));
    Map<String, Long> expected = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(w.folder)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = w.folder.relativize(f);
        if (excluded.stream().noneMatch(m -> m.matches(rel))) {
          expected.put(rel.toString().replace('\\', '/'), Files.size(f));
        }
      }
    }
    assertThat(expected).as("the filters leave something to sync").isNotEmpty();
    assertThat(objects(prefix)).isEqualTo(expected);
  }

  @Then("fewer objects than the folder has files are under {string}")
  public void fewerObjects(String prefix) throws IOException {
    long files;
    try (Stream<Path> s = Files.walk(w.folder)) {
      files = s.filter(Files::isRegularFile).count();
    }
    assertThat((long) objects(prefix).size()).isLessThan(files);
  }

  @Then("the run counts {int} skipped file and its events include {string}")
  public void skippedCounted(int n, String code) {
    assertThat(runStats().path("files_skipped").asLong()).isEqualTo(n);
    List<String> codes = new ArrayList<>();
    for (JsonNode e : w.events(w.runId)) {
      codes.add(e.path("code").asText());
    }
    assertThat(codes).contains(code);
  }

  @When("the client restores the latest run to a new folder")
  public void restoreLatest() {
    startRestore(w.dir.resolve("restored"), false);
  }

  @When("the client restores the latest run into a folder holding an extra file, deleting extras")
  public void restoreLatestMirrored() throws IOException {
    Path target = Files.createDirectories(w.dir.resolve("restored/some/where"));
    Files.writeString(target.resolve("extra.txt"), "not in the bucket");
    startRestore(w.dir.resolve("restored"), true);
  }

  private void startRestore(Path target, boolean deleteExtra) {
    restored = target;
    w.restoreRunId =
        w.api()
            .post(
                "cloudbackup_start_restore.php",
                Map.of(
                    "run_id",
                    w.runId,
                    "target_path",
                    target.toString(),
                    "overwrite",
                    "always",
                    "delete_extra",
                    deleteExtra))
            .path("restore_run_id")
            .asLong();
  }

  @Then("the restored folder equals the source folder, modification times included")
  public void restoredEqualsSource() throws IOException {
    TreeManifest.Differences diff = TreeManifest.scan(w.folder).verify(restored);
    assertThat(diff.none()).as(diff.summary()).isTrue();
    try (Stream<Path> files = Files.walk(w.folder)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path back = restored.resolve(w.folder.relativize(f));
        assertThat(Files.getLastModifiedTime(back))
            .as(back.toString())
            .isEqualTo(Files.getLastModifiedTime(f));
      }
    }
  }

  private List<LoggedRequest> uploads() {
    return s3Relay.requests().stream()
        .filter(r -> List.of("PUT", "POST").contains(r.getMethod().getName()))
        .toList();
  }

  private static String decodedPath(LoggedRequest r) {
    String url = r.getUrl();
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private JsonNode runStats() {
    JsonNode stats = RunWatcher.run(w.api(), w.jobId, w.runId).path("stats_json");
    assertThat(stats.isObject()).as("stats of run %d: %s", w.runId, stats).isTrue();
    return stats;
  }

  /** Relative key → size of every object under {@code prefix/} in the scenario's bucket. */
  private Map<String, Long> objects(String prefix) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (S3Object o :
        w.env
            .s3()
            .client()
            .listObjectsV2Paginator(b -> b.bucket(w.bucket).prefix(prefix + "/"))
            .contents()) {
      out.put(o.key().substring(prefix.length() + 1), o.size());
    }
    return out;
  }
}
