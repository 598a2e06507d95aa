package ca.eazybackup.e3.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.s3.FixtureS3;
import ca.eazybackup.e3.agent.timemachine.BackedUpRepo;
import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code e3-backup-agent snapshot serve} against a repository on a real S3 server, read with a real
 * WebDAV client (Sardine): the URL comes first on standard output, the snapshot's files read back,
 * and writes are refused.
 */
class SnapshotServeCommandTest {
  @TempDir static Path tmp;
  static FixtureS3 s3;
  static BackedUpRepo repo;
  static String older;
  static String newer;

  @BeforeAll
  static void backUpTwice() throws Exception {
    s3 = FixtureS3.startOrSkip();
    repo = BackedUpRepo.create(s3, "cli");
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("docs"));
    Files.writeString(src.resolve("docs/report.txt"), "version one");
    Files.writeString(src.resolve("notes.txt"), "kept");
    older = repo.backup(src, tmp.resolve("spill"));
    Files.writeString(src.resolve("docs/report.txt"), "version two, longer");
    newer = repo.backup(src, tmp.resolve("spill"));
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  private Map<String, String> env(String password) {
    return Map.of(
        "AWS_ACCESS_KEY_ID",
        s3.target().accessKey(),
        "AWS_SECRET_ACCESS_KEY",
        s3.target().secretKey(),
        RepositoryLocation.PASSWORD_ENV,
        password);
  }

  private SnapshotCommand.Serve serve(
      Map<String, String> env, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    SnapshotCommand.Serve serve = new SnapshotCommand.Serve();
    serve.repo.env = env::get;
    serve.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    serve.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    return serve;
  }

  private String[] args(String snapshot) {
    return args("--snapshot", snapshot);
  }

  private String[] args(String... more) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "--endpoint",
                s3.target().endpoint(),
                "--bucket",
                repo.bucket,
                "--prefix",
                repo.prefix,
                "--cache-dir",
                tmp.resolve("cache").toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void diffReportsTheFileChangedBetweenTheTwoSnapshotsWithSizes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotCommand.Diff diff = new SnapshotCommand.Diff();
    diff.repo.env = env(BackedUpRepo.PASSWORD)::get;
    diff.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code = new CommandLine(diff).execute(args("--from", older, "--to", newer, "--json"));
    assertThat(code).isZero();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toByteArray());
    assertThat(json.get("changes")).hasSize(1);
    var change = json.get("changes").get(0);
    assertThat(change.get("path").asText()).isEqualTo("docs/report.txt");
    assertThat(change.get("kind").asText()).isEqualTo("modified");
    assertThat(change.get("old_size").asLong()).isEqualTo(11);
    assertThat(change.get("new_size").asLong()).isEqualTo(19);
    assertThat(json.at("/totals/modified_files").asLong()).isEqualTo(1);

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    SnapshotCommand.Diff plain = new SnapshotCommand.Diff();
    plain.repo.env = env(BackedUpRepo.PASSWORD)::get;
    plain.out = new PrintStream(text, true, StandardCharsets.UTF_8);
    assertThat(new CommandLine(plain).execute(args("--from", older, "--to", newer))).isZero();
    assertThat(text.toString(StandardCharsets.UTF_8))
        .startsWith("M docs/report.txt  (11 -> 19 bytes)");
  }

  @Test
  void lsListsOneFolderOfASnapshotFoldersFirst() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotCommand.Ls ls = new SnapshotCommand.Ls();
    ls.repo.env = env(BackedUpRepo.PASSWORD)::get;
    ls.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(new CommandLine(ls).execute(args("--snapshot", older))).isZero();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toByteArray());
    assertThat(json.get("entries").findValuesAsText("name")).containsExactly("docs", "notes.txt");
    assertThat(json.get("entries").get(0).get("type").asText()).isEqualTo("dir");
    assertThat(json.get("entries").get(1).get("size_bytes").asLong()).isEqualTo(4);
    assertThat(json.get("truncated").asBoolean()).isFalse();

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    SnapshotCommand.Ls bad = new SnapshotCommand.Ls();
    bad.repo.env = env(BackedUpRepo.PASSWORD)::get;
    bad.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    bad.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(new CommandLine(bad).execute(args("--snapshot", older, "--path", "nope")))
        .isEqualTo(SnapshotCommand.EXIT_FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("/nope");
  }

  @Test
  void servesTheOlderSnapshotReadOnlyAndPrintsItsUrlFirst() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    SnapshotCommand.Serve serve = serve(env(BackedUpRepo.PASSWORD), out, err);
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> new CommandLine(serve).execute(args(older)));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> out.toString(StandardCharsets.UTF_8).contains("\n") || exit.isDone());
    String url = out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    assertThat(url).startsWith("http://127.0.0.1:").endsWith("/");
    Sardine dav = SardineFactory.begin();
    try {
      try (InputStream in = dav.get(url + "docs/report.txt")) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("version one");
      }
      List<DavResource> root = dav.list(url, 1);
      assertThat(root.stream().map(DavResource::getName)).contains("docs", "notes.txt");
      assertThatThrownBy(() -> dav.put(url + "docs/report.txt", new byte[] {1}))
          .isInstanceOf(SardineException.class)
          .satisfies(e -> assertThat(((SardineException) e).getStatusCode()).isEqualTo(403));
    } finally {
      dav.shutdown();
      serve.stop();
    }
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aWrongPasswordOrMissingSnapshotFailsWithAClearMessage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new CommandLine(serve(env("wrong"), out, err)).execute(args(older));
    assertThat(code).isEqualTo(SnapshotCommand.EXIT_FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid repository password");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();

    ByteArrayOutputStream err2 = new ByteArrayOutputStream();
    code =
        new CommandLine(serve(env(BackedUpRepo.PASSWORD), new ByteArrayOutputStream(), err2))
            .execute(args("0123456789abcdef0123456789abcdef"));
    assertThat(code).isEqualTo(SnapshotCommand.EXIT_FAILED);
    assertThat(err2.toString(StandardCharsets.UTF_8)).contains("is not in the repository");
  }

  @Test
  void withoutThePasswordInTheEnvironmentItSaysWhatToSet() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new CommandLine(
                serve(
                    Map.of(
                        "AWS_ACCESS_KEY_ID", "a",
                        "AWS_SECRET_ACCESS_KEY", "b"),
                    new ByteArrayOutputStream(),
                    err))
            .execute(args(older));
    assertThat(code).isEqualTo(SnapshotCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("E3_REPO_PASSWORD");
  }
}
