package ca.eazybackup.e3.agent.backup.verify;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.testing.EngineContext;
import ca.eazybackup.e3.agent.backup.testing.KopiaJobs;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verify against a real repository written by the engine on a folder: healthy, then each kind of
 * damage the issue names (a deleted pack, a flipped byte in a pack, a missing index blob), each
 * reported by name.
 */
class VerifierTest {
  @TempDir Path tmp;
  private final KopiaEngine engine = new KopiaEngine();
  private Path src;
  private Path dest;
  private Path cache;
  private RunAssignment job;

  @BeforeEach
  void backUpTwice() throws Exception {
    src = tmp.resolve("src");
    dest = tmp.resolve("dest");
    cache = tmp.resolve("cache");
    Trees.file(
        src.resolve("big.bin"), Trees.random(3_000_000, 1), Instant.parse("2024-01-01T00:00:00Z"));
    Trees.file(
        src.resolve("d/small.txt"), "small".getBytes(), Instant.parse("2024-01-01T00:00:00Z"));
    job = job(src, dest);
    assertThat(engine.backup(job, ctx()).status()).isEqualTo(RunStatus.SUCCESS);
    Trees.file(
        src.resolve("second.bin"), Trees.random(500_000, 2), Instant.parse("2024-01-02T00:00:00Z"));
    assertThat(engine.backup(job, ctx()).status()).isEqualTo(RunStatus.SUCCESS);
  }

  private static RunAssignment job(Path src, Path dest) {
    return KopiaJobs.local(src, dest, "pw");
  }

  private EngineContext ctx() {
    return new EngineContext(tmp.resolve("work-" + System.nanoTime()), cache);
  }

  private BlobStorage storage() throws IOException {
    return FilesystemBlobStorage.open(dest.resolve("repo"));
  }

  private List<String> blobs(String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    try (BlobStorage s = storage()) {
      s.list(prefix, (BlobMetadata b) -> out.add(b.blobId()));
    }
    out.sort(null);
    return out;
  }

  @Test
  void aHealthyRepositoryVerifiesCleanWithItsCounts() throws Exception {
    EngineContext c = ctx();
    RunOutcome v = engine.verify(job, 100, c);

    assertThat(v.status()).as(v.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(v.message()).startsWith("verify: repository is healthy");
    assertThat(v.stats())
        .containsEntry("snapshots", 2)
        .containsEntry("problems", 0L)
        .containsEntry("files", 3L); // big.bin, small.txt, second.bin (each distinct object once)
    assertThat((Long) v.stats().get("packs_read"))
        .isEqualTo((long) (blobs("p").size() + blobs("q").size()));
    assertThat(c.progress.events).contains("KOPIA_VERIFY_STARTING", "KOPIA_VERIFY_COMPLETED");
  }

  @Test
  void aDeletedPackIsReportedByName() throws Exception {
    String pack = blobs("p").get(0);
    try (BlobStorage s = storage()) {
      s.delete(pack);
    }

    RunOutcome v = engine.verify(job, 0, ctx());

    assertThat(v.status()).isEqualTo(RunStatus.FAILED);
    assertThat(v.message())
        .contains("pack " + pack + " is missing")
        .containsAnyOf("/big.bin", "/second.bin");
    assertThat((Long) v.stats().get("problems")).isPositive();
  }

  @Test
  void aFlippedByteInAPackIsFoundByReadingTheDataAndNamesTheContentAndPack() throws Exception {
    String pack = blobs("p").get(0);
    try (BlobStorage s = storage()) {
      byte[] d = s.get(pack, 0, -1);
      d[100] ^= 0x01; // inside the first content (after the 32-byte preamble)
      s.put(pack, d);
    }

    RunOutcome structural = engine.verify(job, 0, ctx());
    assertThat(structural.status())
        .as("the index still says every content is there")
        .isEqualTo(RunStatus.SUCCESS);

    RunOutcome v = engine.verify(job, 100, ctx());
    assertThat(v.status()).isEqualTo(RunStatus.FAILED);
    assertThat(v.message()).contains(pack);
    assertThat((Long) v.stats().get("problems")).isEqualTo(1L);
  }

  @Test
  void aMissingIndexBlobIsReportedByName() throws Exception {
    List<String> indexes = blobs("xn");
    assertThat(indexes).hasSizeGreaterThanOrEqualTo(2);
    long oldest = minTime(indexes);
    String first = indexes.stream().filter(b -> blobTime(b) == oldest).findFirst().orElseThrow();
    try (BlobStorage s = storage()) {
      s.delete(first);
    }

    RunOutcome v = engine.verify(job, 0, ctx());

    assertThat(v.status()).isEqualTo(RunStatus.FAILED);
    assertThat(v.message()).contains("index blob " + first + " is missing");
  }

  private long blobTime(String id) {
    try (BlobStorage s = storage()) {
      return s.stat(id).orElseThrow().timestamp().toEpochMilli();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long minTime(List<String> ids) throws IOException {
    return ids.stream().mapToLong(this::blobTime).min().orElseThrow();
  }

  @Test
  void readDataPercentPicksAShareOfPacksThatMovesWithTheSeed() {
    int inTen = 0;
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
      String pack = "p" + Integer.toHexString(i * 7919) + "-s1";
      if (Verifier.chosen(pack, 10, 1)) {
        inTen++;
      }
      if (Verifier.chosen(pack, 10, 1) != Verifier.chosen(pack, 10, 2)) {
        differ++;
      }
    }
    assertThat(inTen).isBetween(60, 140);
    assertThat(differ).isPositive();
  }
}
