package ca.eazybackup.e3.agent.backup.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.testing.MemoryContentStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ObjectLayerTest {
  private final MemoryContentStore store = new MemoryContentStore();
  private final ObjectManager objects = new ObjectManager(store, "DYNAMIC-1M-BUZHASH");

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void smallObjectIsItsSingleContent() throws Exception {
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    ObjectId id = objects.write(data, "", "none");
    assertThat(id.isIndirect()).isFalse();
    assertThat(id.value()).hasSize(32);
    assertThat(objects.readAll(id)).isEqualTo(data);
  }

  @Test
  void emptyObjectIsTheEmptyContent() throws Exception {
    ObjectId id = objects.write(new byte[0], "", "none");
    assertThat(id.isIndirect()).isFalse();
    assertThat(objects.open(id).length()).isZero();
    assertThat(objects.readAll(id)).isEmpty();
  }

  @Test
  void largeObjectBecomesAnIndirectListInAnXContent() throws Exception {
    byte[] data = random(5_000_000, 1);
    ObjectId id = objects.write(data, "", "zstd");
    assertThat(id.value()).startsWith("Ix");
    assertThat(id.indirection()).isEqualTo(1);
    String json = new String(objects.readAll(id.listObject()), StandardCharsets.UTF_8);
    assertThat(json)
        .startsWith("{\"stream\":\"kopia:indirect\",\"entries\":[{\"l\":")
        .endsWith("]}\n");
    assertThat(json).contains(",{\"s\":");
    assertThat(objects.readAll(id)).isEqualTo(data);
  }

  @Test
  void directoryPrefixIsKeptForListsOfPrefixedObjects() throws Exception {
    ObjectId id = objects.write(random(3_000_000, 2), "k", "none");
    assertThat(id.value()).startsWith("Ik");
  }

  @Test
  void readsAnyRangeOfAnIndirectObject() throws Exception {
    byte[] data = random(4_500_000, 3);
    ObjectReader r = objects.open(objects.write(data, "", "none"));
    Random rnd = new Random(9);
    for (int i = 0; i < 50; i++) {
      int pos = rnd.nextInt(data.length);
      int len = Math.min(rnd.nextInt(2_000_000), data.length - pos);
      byte[] out = new byte[len];
      int n = 0;
      while (n < len) {
        n += r.read(pos + n, out, n, len - n);
      }
      assertThat(out).isEqualTo(java.util.Arrays.copyOfRange(data, pos, pos + len));
    }
    assertThat(r.read(data.length, new byte[1], 0, 1)).isEqualTo(-1);
  }

  @Test
  void readingAheadGivesTheSameBytesAndFetchesNothingPastTheRange() throws Exception {
    byte[] data = random(6_000_000, 4);
    ObjectId id = objects.write(data, "", "none");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger fetchedAhead = new AtomicInteger();
    Executor counting =
        r -> {
          fetchedAhead.incrementAndGet();
          pool.execute(r);
        };
    try {
      ObjectReader whole = objects.open(id).readingAhead(counting, 2, data.length);
      byte[] out = new byte[data.length];
      int n = 0;
      while (n < out.length) {
        n += whole.read(n, out, n, Math.min(65_536, out.length - n));
      }
      assertThat(out).isEqualTo(data);
      assertThat(fetchedAhead.get()).isPositive();

      fetchedAhead.set(0);
      ObjectReader ranged = objects.open(id).readingAhead(counting, 2, 1000);
      byte[] head = new byte[1000];
      assertThat(ranged.read(0, head, 0, 1000)).isEqualTo(1000);
      assertThat(head).isEqualTo(java.util.Arrays.copyOf(data, 1000));
      assertThat(fetchedAhead.get()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void identicalDataDeduplicatesToTheSameId() throws Exception {
    byte[] data = random(3_000_000, 4);
    ObjectId a = objects.write(data, "", "none");
    long stored = store.bytesWritten.get();
    ObjectId b = objects.write(data, "", "none");
    assertThat(b).isEqualTo(a);
    assertThat(store.bytesWritten.get()).isEqualTo(stored);
  }

  @Test
  void listsAllContentsOfAnObjectForGarbageCollection() throws Exception {
    ObjectId id = objects.write(random(3_000_000, 5), "", "none");
    List<ContentId> ids = new ArrayList<>();
    objects.contentsOf(id, ids::add);
    assertThat(ids).hasSizeGreaterThan(2);
    assertThat(ids.get(0).prefix()).isEqualTo("x");
    assertThat(ids.subList(1, ids.size())).allMatch(c -> c.prefix().isEmpty());
  }

  @Test
  void corruptedChunkFailsTheReadInsteadOfReturningWrongBytes() throws Exception {
    ObjectId id = objects.write(random(100, 6), "", "none");
    store.corrupt(id.contentId());
    assertThatThrownBy(() -> objects.readAll(id)).hasMessageContaining("failed verification");
  }

  @Test
  void parsesLegacyAndNestedObjectIds() {
    String hex = "0123456789abcdef0123456789abcdef";
    assertThat(new ObjectId("D" + hex).contentId().value()).isEqualTo(hex);
    assertThat(new ObjectId("Z" + hex).legacyCompressed()).isTrue();
    assertThat(new ObjectId("IIx" + hex).indirection()).isEqualTo(2);
    assertThat(new ObjectId("IIx" + hex).listObject().value()).isEqualTo("Ix" + hex);
    assertThatThrownBy(() -> new ObjectId("Q" + hex)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ObjectId("")).isInstanceOf(IllegalArgumentException.class);
  }
}
