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
}
