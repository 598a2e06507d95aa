package ca.eazybackup.e3.agent.backup.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.blob.BackdatedFilesystemStorage;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.backup.verify.Verifier;
import ca.eazybackup.e3.agent.backup.verify.VerifyReport;
import ca.eazybackup.e3.agent.cli.AgentMain;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real kill -9 of full maintenance: the agent's repository CLI ({@code e3-backup-agent repo
 * maintenance --full}) runs in a child JVM over a repository whose history the test wrote days in
 * the past (so the run marks, drops the deletion watermark and sweeps packs for real), and is
 * killed with SIGKILL the moment it logs reaching a phase. Verify must accept what is left, a later
 * full maintenance and a backup through the CLI must finish, and every snapshot must restore byte
 * for byte.
 */
class MaintenanceKillNineTest {
  private static final String PASSWORD = "kill-nine-pw";
  private static final Instant MTIME = Instant.parse("2025-06-01T00:00:00Z");

  @TempDir Path tmp;

  /** Repository folder, and what each snapshot left in it must restore to. */
  private Path repoDir;

  private final Map<String, Map<String, String>> expected = new HashMap<>();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "event=gc_marked", // the walk is done, the marks not yet written
        "event=index_written", // the first index blob of the marks is written
        "event=short_packs_rewritten", // live contents copied out, the drop is next
        "event=deletion_watermark_advanced" // the old marks are dropped, the sweep is next
      })
  void fullMaintenanceKilledWithSigkillLeavesARepositoryThatVerifiesAndEverythingGoesOn(
      String killAt) throws Exception {
    Path src = tmp.resolve("src");
    writeHistoryDaysAgo(src);

    List<String> output = new CopyOnWriteArrayList<>();
    AtomicBoolean killed = new AtomicBoolean();
    Process child = cli("maintenance", "--full");
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  output.add(line);
                  // killed from the reader the moment the line arrives, not on a later poll
                  if (line.contains(killAt) && killed.compareAndSet(false, true)) {
                    child.destroyForcibly();
                  }
                }
              } catch (IOException e) {
                output.add("reader: " + e);
              }
            });
    reader.start();
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child ended").isTrue();
    reader.join(10_000);
    assertThat(killed).as("reached %s: %s", killAt, output).isTrue();
    assertThat(child.exitValue()).as("killed, not finished: %s", output).isEqualTo(137);

    assertClean(verify());
    assertEverySnapshotRestores();

    runToEnd(cli("maintenance", "--full"));
    Trees.file(src.resolve("after.bin"), Trees.random(250_000, 40), MTIME);
    runToEnd(cli("backup", src.toString()));
    assertClean(verify());
    List<SnapshotManifest> all = snapshots();
    assertThat(all).hasSize(expected.size() + 1);
    for (SnapshotManifest m : all) {
      expected.putIfAbsent(m.id(), Trees.describe(src)); // the CLI's backup
    }
    assertEverySnapshotRestores();
  }

  /**
   * Three snapshots ten days ago, the first two deleted; two full maintenances then (the first
   * marks the first snapshot's data, the second is the GC 4 h later that lets a later run drop
   * those marks); the second snapshot is deleted after them, so the killed run marks its data.
   */
  private void writeHistoryDaysAgo(Path src) throws Exception {
    repoDir = tmp.resolve("repo");
    SharedRepo.TestClock clock =
        new SharedRepo.TestClock(
            Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS));
    SourceInfo source = new SourceInfo("host", "user", "/src");
    try (Repository created =
        Repository.create(
            new BackdatedFilesystemStorage(repoDir, clock),
            PASSWORD,
            RepositoryOptions.defaults())) {
      created.contents().flush();
    }
    Trees.file(src.resolve("kept.bin"), Trees.random(300_000, 31), MTIME);
    Trees.file(src.resolve("gone.bin"), Trees.random(600_000, 32), MTIME);
    String first = backup(clock, source, src);
    clock.advance(Duration.ofHours(1));
    Files.delete(src.resolve("gone.bin"));
    Trees.file(src.resolve("gone2.bin"), Trees.random(500_000, 33), MTIME);
    String second = backup(clock, source, src);
    clock.advance(Duration.ofHours(1));
    Files.delete(src.resolve("gone2.bin"));
    Trees.file(src.resolve("fresh.bin"), Trees.random(200_000, 34), MTIME);
    String third = backup(clock, source, src);
    expected.put(third, Trees.describe(src));
    try (Repository r = open(clock)) {
      SharedRepo.deleteSnapshot(r, first, clock);
    }
    for (Duration step : List.of(Duration.ofHours(25), Duration.ofHours(5))) {
      clock.advance(step);
      try (Repository r = open(clock)) {
        new Maintenance(r, clock, new Cancellation()).run(MaintenanceMode.FULL, null, null);
      }
    }
    clock.advance(Duration.ofMinutes(10));
    try (Repository r = open(clock)) {
      SharedRepo.deleteSnapshot(r, second, clock);
    }
  }

  private String backup(Clock clock, SourceInfo source, Path src) throws Exception {
    try (Repository r = open(clock)) {
      return SharedRepo.backup(r, source, src, clock).manifestId();
    }
  }

  private Repository open(Clock clock) throws IOException {
    return Repository.open(
        new BackdatedFilesystemStorage(repoDir, clock),
        PASSWORD,
        tmp.resolve("cache-" + System.nanoTime()),
        clock);
  }

  /** The agent's CLI in its own JVM on this repository: {@code e3-backup-agent repo <args>}. */
  private Process cli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(AgentMain.class.getName());
    cmd.add("repo");
    cmd.addAll(List.of(args));
    cmd.add("--path");
    cmd.add(repoDir.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("E3_REPO_PASSWORD", PASSWORD);
    return pb.start();
  }

  private static void runToEnd(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private VerifyReport verify() throws Exception {
    try (Repository r = open(Clock.systemUTC())) {
      return new Verifier(r, Clock.systemUTC(), new Cancellation(), (p, d, t, b) -> {}).run(100, 1);
    }
  }

  private List<SnapshotManifest> snapshots() throws IOException {
    try (Repository r = open(Clock.systemUTC())) {
      return new SnapshotManager(new ManifestStore(r.contents(), Clock.systemUTC())).listAll();
    }
  }

  private void assertEverySnapshotRestores() throws Exception {
    assertThat(snapshots()).extracting(SnapshotManifest::id).hasSameElementsAs(expected.keySet());
    for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
      Path out = tmp.resolve("out-" + System.nanoTime());
      try (Repository r = open(Clock.systemUTC())) {
        SharedRepo.restore(r, e.getKey(), out);
      }
      assertThat(Trees.describe(out)).as("snapshot %s", e.getKey()).isEqualTo(e.getValue());
    }
  }

  private static void assertClean(VerifyReport v) {
    assertThat(v.problems()).as(v.summary()).isEmpty();
    assertThat(v.ok()).isTrue();
  }
}
