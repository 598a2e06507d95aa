package ca.eazybackup.e3.agent.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.BlobStorageException;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.restore.OverwriteMode;
import ca.eazybackup.e3.agent.backup.testing.MemoryContentStore;
import ca.eazybackup.e3.agent.backup.testing.TestRepo;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup killed at any moment leaves a repository where the next backup succeeds and restores are
 * byte-identical. The kill is simulated in-process: from a random operation on, storage refuses
 * everything and whatever was not flushed is lost, as when the process dies.
 */
class CrashSafetyTest {
  @TempDir Path tmp;

  private static void mutate(Path src, int round) throws IOException {
    Random r = new Random(round);
    for (int i = 0; i < 5; i++) {
      Trees.file(
          src.resolve("many/f" + r.nextInt(30) + ".txt"),
          ("changed " + round + "/" + i).getBytes(),
          Instant.parse("2025-01-01T00:00:00Z").plusSeconds(round * 100L + i));
    }
    Trees.file(
        src.resolve("new/round" + round + ".bin"),
        Trees.random(150_000, round),
        Instant.parse("2025-03-01T00:00:00Z"));
  }

  @Test
  void contentStoreCrashAtEveryStageNeverBreaksTheNextBackupOrRestores() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 1_500_000);
    MemoryContentStore store = new MemoryContentStore();
    TestRepo repo = new TestRepo(store, tmp.resolve("spill"), src.toString());
    repo.checkpointInterval = Duration.ofMillis(1);
    repo.backup(src);
    Random r = new Random(42);
    for (int round = 1; round <= 10; round++) {
      mutate(src, round);
      Map<String, String> expected = Trees.describe(src);
      // A dry run of the same backup counts its operations, then the store goes back as it was,
      // and the fault point is drawn within that count. Checkpoints are timed, so a run can end
      // before its dry run's count: then that run is undone too and an earlier point drawn, until
      // the fault has really fired.
      MemoryContentStore.State before = store.snapshot();
      store.failAfter(Long.MAX_VALUE);
      repo.backup(src);
      long bound = store.operations();
      Throwable crash;
      while (true) {
        store.restore(before);
        long faultAt = r.nextInt((int) Math.max(1, bound));
        store.failAfter(faultAt);
        crash = catchThrowable(() -> repo.backup(src));
        if (store.faultsFired.get() > 0) {
          break;
        }
        assertThat(crash).as("round %d: no fault, no failure", round).isNull();
        bound = faultAt;
      }
      assertThat(crash)
          .as("round %d: the run died of the injected fault and nothing else", round)
          .isNotNull()
          .satisfiesAnyOf(
              e -> assertThat(e).isInstanceOf(MemoryContentStore.InjectedFault.class),
              e -> assertThat(e).hasRootCauseInstanceOf(MemoryContentStore.InjectedFault.class));
      store.crash();
      var next = repo.backup(src);
      assertThat(next.manifest().isComplete()).isTrue();
      Path out = tmp.resolve("out-" + round);
      repo.restore(next.manifestId(), out, List.of(), OverwriteMode.ALWAYS, false);
      assertThat(Trees.describe(out)).as("round %d", round).isEqualTo(expected);
    }
  }

  /** Storage that dies for good after {@code budget} writes (put/delete), like a killed agent. */
  static final class KillSwitchStorage implements BlobStorage {
    private final BlobStorage inner;
    private final AtomicLong budget;
    volatile boolean dead;

    KillSwitchStorage(BlobStorage inner, long budget) {
      this.inner = inner;
      this.budget = new AtomicLong(budget);
    }

    private void check(boolean write) throws IOException {
      if (dead || (write && budget.decrementAndGet() < 0)) {
        dead = true;
        // a dead process retries nothing: not retriable, so the production stack fails at once
        throw new BlobStorageException("agent killed", null, false);
      }
    }

    @Override
    public byte[] get(String blobId, long offset, long length) throws IOException {
      check(false);
      return inner.get(blobId, offset, length);
    }

    @Override
    public void put(String blobId, byte[] data) throws IOException {
      check(true);
      inner.put(blobId, data);
    }

    @Override
    public void delete(String blobId) throws IOException {
      check(true);
      inner.delete(blobId);
    }

    @Override
    public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
      check(false);
      inner.list(prefix, each);
    }

    @Override
    public Optional<BlobMetadata> stat(String blobId) throws IOException {
      check(false);
      return inner.stat(blobId);
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }

  @Test
  void realRepositoryKilledMidBackupRecoversOnTheNextRun() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 1_200_000);
    Path dest = tmp.resolve("dest");
    long[] budget = {Long.MAX_VALUE};
    List<KillSwitchStorage> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    KopiaEngine engine =
        new KopiaEngine(
            (job, ctx) -> {
              KillSwitchStorage s =
                  new KillSwitchStorage(FilesystemBlobStorage.open(dest), budget[0]);
              opened.add(s);
              return s;
            },
            Duration.ofMillis(1));
    RunAssignment job =
        KopiaEngineTest.job(List.of(src.toString()), tmp.resolve("unused"), "pw", null);
    assertThat(engine.backup(job, new KopiaEngineTest.Ctx(tmp.resolve("c0"))).status())
        .isEqualTo(RunStatus.SUCCESS);
    Random r = new Random(7);
    for (int round = 1; round <= 3; round++) {
      mutate(src, round);
      Map<String, String> expected = Trees.describe(src);
      budget[0] = 1 + r.nextInt(12);
      opened.clear();
      RunOutcome killed = engine.backup(job, new KopiaEngineTest.Ctx(tmp.resolve("k" + round)));
      // The run failed because the kill happened, not of anything else.
      assertThat(killed.status()).as(killed.message()).isEqualTo(RunStatus.FAILED);
      assertThat(opened).as("round %d: the kill switch tripped", round).anyMatch(k -> k.dead);
      assertThat(killed.message()).as("round %d", round).contains("agent killed");
      budget[0] = Long.MAX_VALUE;
      RunOutcome next = engine.backup(job, new KopiaEngineTest.Ctx(tmp.resolve("n" + round)));
      assertThat(next.status()).as(next.message()).isEqualTo(RunStatus.SUCCESS);
      Path out = tmp.resolve("out" + round);
      RunOutcome restored =
          engine.restore(
              job,
              new RestoreRequest(next.manifestId(), out.toString(), List.of(), "always", false),
              new KopiaEngineTest.Ctx(tmp.resolve("r" + round)));
      assertThat(restored.status()).as(restored.message()).isEqualTo(RunStatus.SUCCESS);
      assertThat(Trees.describe(out)).isEqualTo(expected);
    }
  }

  @Test
  void killSwitchReallyStopsWrites() throws Exception {
    KillSwitchStorage s = new KillSwitchStorage(FilesystemBlobStorage.open(tmp.resolve("k")), 1);
    s.put("a", new byte[1]);
    assertThatThrownBy(() -> s.put("b", new byte[1])).hasMessageContaining("killed");
    assertThatThrownBy(() -> s.get("a", 0, -1)).hasMessageContaining("killed");
  }
}
