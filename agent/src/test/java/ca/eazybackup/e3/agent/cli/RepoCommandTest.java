package ca.eazybackup.e3.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.testing.EngineContext;
import ca.eazybackup.e3.agent.backup.testing.KopiaJobs;
import ca.eazybackup.e3.agent.engine.RunStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code e3-backup-agent repo ...} on a repository the engine wrote to a folder. */
class RepoCommandTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path repo;

  @BeforeEach
  void backUp() throws Exception {
    RepoCommand.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    RepoCommand.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    RepoCommand.env = Map.of("E3_REPO_PASSWORD", "pw");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "alpha");
    Path dest = tmp.resolve("dest");
    RunAssignment job = KopiaJobs.local(src, dest, "pw");
    var ctx = new EngineContext(tmp.resolve("w"), tmp.resolve("cache"));
    assertThat(new KopiaEngine().backup(job, ctx).status()).isEqualTo(RunStatus.SUCCESS);
    repo = dest.resolve("repo");
  }

  @AfterEach
  void restoreStreams() {
    RepoCommand.out = System.out;
    RepoCommand.err = System.err;
    RepoCommand.env = System.getenv();
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return AgentMain.execute(args);
  }

  @Test
  void snapshotsListsTheSnapshotAsTextAndJson() throws Exception {
    assertThat(run("repo", "snapshots", "--path", repo.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 snapshots").contains("1 files");

    assertThat(run("repo", "snapshots", "--path", repo.toString(), "--json")).isZero();
    JsonNode arr = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(arr).hasSize(1);
    assertThat(arr.get(0).get("id").asText()).hasSize(32);
  }

  @Test
  void verifyExitsZeroWhenHealthyAndThreeNamingTheDeletedPack() throws Exception {
    assertThat(run("repo", "verify", "--path", repo.toString(), "--read-data", "100")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("repository is healthy");

    List<String> packs = new ArrayList<>();
    try (BlobStorage s = FilesystemBlobStorage.open(repo)) {
      s.list("p", b -> packs.add(b.blobId()));
      s.delete(packs.get(0));
    }
    assertThat(run("repo", "verify", "--path", repo.toString(), "--json")).isEqualTo(3);
    JsonNode r = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(r.get("status").asText()).isEqualTo("failed");
    assertThat(r.get("message").asText()).contains("pack " + packs.get(0) + " is missing");
  }

  @Test
  void aMissingPasswordOrAWrongOneIsAClearErrorWithExitOne() {
    RepoCommand.env = Map.of();
    assertThat(run("repo", "verify", "--path", repo.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("E3_REPO_PASSWORD");

    RepoCommand.env = Map.of("E3_REPO_PASSWORD", "wrong");
    assertThat(run("repo", "verify", "--path", repo.toString())).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
        .containsIgnoringCase("password");
  }

  @Test
  void backupThenRestoreThroughTheCliComesBackByteForByte() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data/sub"));
    byte[] blob = new byte[300_000];
    new java.util.Random(5).nextBytes(blob);
    Files.write(data.resolve("blob.bin"), blob);
    Files.writeString(tmp.resolve("data/top.txt"), "top");
    Path fresh = tmp.resolve("fresh-repo");

    assertThat(run("repo", "backup", "--path", fresh.toString(), tmp.resolve("data").toString()))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(run("repo", "snapshots", "--path", fresh.toString(), "--json")).isZero();
    String id =
        new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).get(0).get("id").asText();
    Path target = tmp.resolve("back");
    assertThat(run("repo", "restore", "--path", fresh.toString(), id, target.toString()))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();

    assertThat(Files.readAllBytes(target.resolve("sub/blob.bin"))).isEqualTo(blob);
    assertThat(Files.readString(target.resolve("top.txt"))).isEqualTo("top");
    assertThat(run("repo", "backup", "--path", fresh.toString(), tmp.resolve("nope").toString()))
        .isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no folder at");
  }

  @Test
  void maintenanceRunsQuickAndFull() {
    assertThat(run("repo", "maintenance", "--path", repo.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("quick maintenance");
    assertThat(run("repo", "maintenance", "--full", "--path", repo.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("full maintenance");
  }

  @Test
  void createMakesARepositoryOnceAndRefusesASecondWithoutTouchingIt() throws Exception {
    Path fresh = tmp.resolve("new-repo");
    assertThat(run("repo", "create", "--path", fresh.toString()))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("repository ready");
    byte[] format = Files.readAllBytes(fresh.resolve("kopia.repository.f"));

    assertThat(run("repo", "create", "--path", fresh.toString(), "--json")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("a repository already exists");
    assertThat(Files.readAllBytes(fresh.resolve("kopia.repository.f"))).isEqualTo(format);
    assertThat(run("repo", "snapshots", "--path", fresh.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("0 snapshots");

    // object lock on a folder: refused clearly, no repository written
    Path locked = tmp.resolve("locked-repo");
    assertThat(
            run(
                "repo",
                "create",
                "--path",
                locked.toString(),
                "--object-lock-mode",
                "GOVERNANCE",
                "--object-lock-days",
                "7"))
        .isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
        .contains("object lock was requested");
    assertThat(Files.exists(locked.resolve("kopia.repository.f"))).isFalse();
  }

  @Test
  void lsListsASnapshotsFoldersAsTextAndJson() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("tree/docs/deep"));
    Files.writeString(data.resolve("n.txt"), "nested");
    Files.writeString(tmp.resolve("tree/docs/readme.md"), "12345");
    Files.writeString(tmp.resolve("tree/top.bin"), "x");
    Path r = tmp.resolve("ls-repo");
    assertThat(run("repo", "backup", "--path", r.toString(), tmp.resolve("tree").toString()))
        .isZero();
    String id = onlySnapshot(r);

    assertThat(run("repo", "ls", "--path", r.toString(), id)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("docs/")
        .contains("top.bin")
        .contains("2 entries")
        .doesNotContain("readme.md");

    assertThat(run("repo", "ls", "--path", r.toString(), id, "docs", "--recursive", "--json"))
        .isZero();
    JsonNode arr = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    List<String> paths = new ArrayList<>();
    arr.forEach(n -> paths.add(n.get("path").asText() + ":" + n.get("size").asLong()));
    assertThat(paths).containsExactly("deep:6", "deep/n.txt:6", "readme.md:5");
    assertThat(arr.get(0).get("type").asText()).isEqualTo("dir");

    assertThat(run("repo", "ls", "--path", r.toString(), id, "nope")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no nope in snapshot");
    assertThat(run("repo", "ls", "--path", r.toString(), "0123456789abcdef")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not in the repository");
  }

  @Test
  void diffListsAddedRemovedAndModifiedWithSizes() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("d"));
    Files.writeString(data.resolve("same.txt"), "same");
    Files.writeString(data.resolve("gone.txt"), "gone!");
    Files.writeString(data.resolve("edit.txt"), "v1");
    Path r = tmp.resolve("diff-repo");
    assertThat(run("repo", "backup", "--path", r.toString(), data.toString())).isZero();
    String first = onlySnapshot(r);
    Files.delete(data.resolve("gone.txt"));
    Files.writeString(data.resolve("edit.txt"), "version 2");
    Files.writeString(data.resolve("new.txt"), "brand new");
    assertThat(run("repo", "backup", "--path", r.toString(), data.toString())).isZero();
    assertThat(run("repo", "snapshots", "--path", r.toString(), "--json")).isZero();
    JsonNode snaps = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    String second = snaps.get(1).get("id").asText();
    assertThat(snaps.get(0).get("id").asText()).isEqualTo(first);

    assertThat(run("repo", "diff", "--path", r.toString(), first, second)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("+ new.txt  (9 bytes)")
        .contains("- gone.txt  (5 bytes)")
        .contains("M edit.txt  (2 -> 9 bytes)")
        .contains("1 added (9 bytes), 1 removed (5 bytes), 1 modified")
        .doesNotContain("same.txt");

    assertThat(run("repo", "diff", "--path", r.toString(), first, second, "--json")).isZero();
    JsonNode d = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(d.get("changes")).hasSize(3);
    assertThat(d.get("totals").get("modified_new_bytes").asLong()).isEqualTo(9);
  }

  private String onlySnapshot(Path r) throws Exception {
    assertThat(run("repo", "snapshots", "--path", r.toString(), "--json")).isZero();
    JsonNode arr = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(arr).hasSize(1);
    return arr.get(0).get("id").asText();
  }
}
