package ca.eazybackup.e3.agent.backup.content;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The epoch manager's maintenance: many small index blobs over days advance the write epoch, a
 * settled epoch is compacted into one {@code xs} set, the superseded {@code xn} blobs go only after
 * the safety margin, deletions survive compaction, and readers — one opened before it all, one
 * opened after — see every content throughout.
 */
class EpochMaintenanceTest {
  @TempDir Path dir;

  private final HashFunction hash = Hashing.create("HMAC-SHA256-128", new byte[32]);
  private final ContentEncryptor enc =
      Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, new byte[32]);
  private Instant now = Instant.parse("2026-02-01T00:00:00Z");
  private final Map<String, Instant> putTimes = new ConcurrentHashMap<>();

  /** Puts of blob ids it accepts fail, as a process killed before them would never write them. */
  private Predicate<String> killedBefore = id -> false;

  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }
      };

  private KopiaContentStore open(BlobStorage storage) throws IOException {
    return KopiaContentStore.open(
        storage, hash, enc, new KopiaContentStore.Settings(2, 2, 1 << 20, true, 2, null), clock);
  }

  /** Writes one small content and flushes: one new {@code xn} blob. */
  private ContentId writeOne(KopiaContentStore store, int i) throws IOException {
    byte[] d = ("content " + i).getBytes(StandardCharsets.UTF_8);
    ContentId id = store.write(d, 0, d.length, "", "none");
    store.flush();
    return id;
  }

  @Test
  void settledEpochsAreCompactedAndTheirSmallIndexBlobsDeletedAfterTheMarginReadersSeeAll()
      throws Exception {
    BlobStorage storage = new Clocked(FilesystemBlobStorage.open(dir.resolve("repo")));
    List<ContentId> written = new ArrayList<>();
    ContentId deleted;
    try (KopiaContentStore early = open(storage);
        KopiaContentStore writer = open(storage)) {
      EpochMaintenance epochs = writer.epochs();
      // epoch 0: 21 index blobs over 25 h
      for (int i = 0; i < 21; i++) {
        written.add(writeOne(writer, i));
        now = now.plus(Duration.ofMinutes(75));
      }
      deleted = written.get(3);
      writer.delete(deleted);
      writer.flush();
      assertThat(epochs.compactOneSettledEpoch()).as("nothing settled yet").isEqualTo(-1);
      assertThat(epochs.maybeAdvanceWriteEpoch()).isTrue();
      assertThat(epochs.writeEpoch()).isEqualTo(1);
      assertThat(epochs.maybeAdvanceWriteEpoch()).as("epoch 1 has no index blobs yet").isFalse();
      // epoch 1: written into by the writer, which follows the new marker
      for (int i = 21; i < 42; i++) {
        written.add(writeOne(writer, i));
        now = now.plus(Duration.ofMinutes(75));
      }
      assertThat(names(storage, "xn1_")).hasSize(21);
      assertThat(epochs.maybeAdvanceWriteEpoch()).isTrue();
      assertThat(epochs.compactOneSettledEpoch()).isEqualTo(0);
      assertThat(names(storage, "xs0_")).hasSize(1);
      assertThat(epochs.compactOneSettledEpoch()).as("epoch 1 is not settled").isEqualTo(-1);

      // within the margin the small blobs stay (a reader may have listed them)
      written.add(writeOne(writer, 100));
      assertThat(epochs.cleanup()).isZero();
      assertThat(names(storage, "xn0_")).hasSize(22);
      now = now.plus(Duration.ofHours(5));
      written.add(writeOne(writer, 101));
      assertThat(epochs.cleanup()).isEqualTo(22); // the 22 xn0 blobs; no marker is below W-1 yet
      assertThat(names(storage, "xn0_")).isEmpty();

      // a reader that opened before all of it, and one that opens now
      early.refresh();
      try (KopiaContentStore late = open(storage)) {
        for (KopiaContentStore r : List.of(early, late)) {
          for (ContentId id : written) {
            if (!id.equals(deleted)) {
              assertThat(r.info(id)).as("%s", id).isNotNull();
              assertThat(r.read(id)).isNotEmpty();
            }
          }
          assertThat(r.info(deleted)).as("the deletion survived compaction").isNull();
        }
        List<ContentInfo> merged = new ArrayList<>();
        late.forEachIndexEntry(merged::add);
        assertThat(merged).extracting(c -> c.id()).doesNotHaveDuplicates();
        assertThat(merged).hasSize(written.size());
      }
    }
  }

  @Test
  void theWrittenPartsOfACompactionKilledBetweenShardsAreDeletedAfterTheMarginNotBefore()
      throws Exception {
    BlobStorage storage = new Clocked(FilesystemBlobStorage.open(dir.resolve("repo")));
    List<ContentId> written = new ArrayList<>();
    try (KopiaContentStore writer = open(storage)) {
      for (int epoch = 0; epoch < 2; epoch++) {
        for (int i = 0; i < 21; i++) {
          written.add(writeOne(writer, epoch * 100 + i));
          now = now.plus(Duration.ofMinutes(75));
        }
        assertThat(writer.epochs().maybeAdvanceWriteEpoch()).isTrue();
      }
      // epoch 0 settled: its 21 entries compacted 5 to a part, the process killed at the third
      EpochMaintenance killed = withShardEntries(5, writer::epochs);
      int[] parts = {0};
      killedBefore = id -> id.startsWith("xs0_") && ++parts[0] == 3;
      org.assertj.core.api.Assertions.assertThatThrownBy(killed::compactOneSettledEpoch)
          .hasMessageContaining("killed before writing xs0_");
      killedBefore = id -> false;
      List<String> leftover = names(storage, "xs0_");
      assertThat(leftover).hasSize(2).allMatch(n -> n.endsWith("-c5"));

      // the next maintenance compacts epoch 0 again (the incomplete set counts for nothing)
      EpochMaintenance epochs = writer.epochs();
      assertThat(epochs.compactOneSettledEpoch()).isEqualTo(0);
      written.add(writeOne(writer, 1000));
      assertThat(epochs.cleanup()).as("within the margin").isZero();
      assertThat(names(storage, "xs0_")).containsAll(leftover).hasSize(3);

      now = now.plus(Duration.ofHours(5));
      written.add(writeOne(writer, 1001));
      epochs.cleanup();
      assertThat(names(storage, "xs0_")).hasSize(1).doesNotContainAnyElementsOf(leftover);
      assertThat(names(storage, "xn0_")).isEmpty();
    }
    try (KopiaContentStore late = open(storage)) {
      for (ContentId id : written) {
        assertThat(late.read(id)).as("%s", id).isNotEmpty();
      }
    }
  }

  /** Epoch maintenance whose compaction writes parts of {@code entries} index entries each. */
  private static EpochMaintenance withShardEntries(
      int entries, java.util.function.Supplier<EpochMaintenance> create) {
    String key = "e3.kopia.compactionShardEntries";
    System.setProperty(key, Integer.toString(entries));
    try {
      return create.get();
    } finally {
      System.clearProperty(key);
    }
  }

  private static List<String> names(BlobStorage s, String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    s.list(prefix, m -> out.add(m.blobId()));
    return out;
  }

  /** Blob times are the test clock's at each put. */
  private final class Clocked implements BlobStorage {
    private final BlobStorage inner;

    Clocked(BlobStorage inner) {
      this.inner = inner;
    }

    private BlobMetadata retimed(BlobMetadata m) {
      Instant t = putTimes.get(m.blobId());
      return t == null ? m : new BlobMetadata(m.blobId(), m.length(), t);
    }

    @Override
    public byte[] get(String blobId, long offset, long length) throws IOException {
      return inner.get(blobId, offset, length);
    }

    @Override
    public void put(String blobId, byte[] data) throws IOException {
      if (killedBefore.test(blobId)) {
        throw new IOException("killed before writing " + blobId);
      }
      putTimes.put(blobId, now);
      inner.put(blobId, data);
    }

    @Override
    public void delete(String blobId) throws IOException {
      inner.delete(blobId);
    }

    @Override
    public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
      inner.list(prefix, m -> each.accept(retimed(m)));
    }

    @Override
    public Optional<BlobMetadata> stat(String blobId) throws IOException {
      return inner.stat(blobId).map(this::retimed);
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
