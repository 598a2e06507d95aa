package ca.eazybackup.e3.agent.nas.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write cache's pending-upload journal on its own: what replay keeps after records that ended a
 * write, after a record torn by a crash, and after compaction; and that concurrent writers all get
 * their records durable (group commit).
 */
class PendingJournalTest {
  @TempDir Path dir;

  private static WriteCache.Meta meta(String path, long gen, long size) {
    return new WriteCache.Meta(path, size, gen, true, "absent", 1000L * gen, null, null);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void replayKeepsTheLastPutOfEachPathThatNoLaterRecordEnded() throws Exception {
    try (PendingJournal j = PendingJournal.open(dir)) {
      j.put(meta("a.txt", 1, 3), bytes("one"));
      j.put(meta("a.txt", 4, 3), bytes("two")); // a second save of a.txt
      j.put(meta("b.txt", 2, 5), bytes("bravo"));
      j.put(meta("c.bin", 3, 9), null); // large: in its own data file
      j.done("a.txt", 1); // the upload of the first save ended after the second save: no effect
      j.done("b.txt", 2);
      j.put(meta("d.txt", 5, 5), bytes("delta"));
      j.amend("d.txt", 5, 77_000, "5,etag");
      j.put(meta("e.txt", 6, 4), bytes("echo"));
      j.sync(j.drop("e.txt"));
    }
    try (PendingJournal j = PendingJournal.open(dir)) {
      var live = j.live();
      assertThat(live).containsOnlyKeys("a.txt", "c.bin", "d.txt");
      assertThat(live.get("a.txt").meta().generation()).isEqualTo(4);
      assertThat(j.inlineData(live.get("a.txt"))).isEqualTo(bytes("two"));
      assertThat(live.get("c.bin").inline()).isFalse();
      assertThat(live.get("d.txt").meta().mtimeMillis()).isEqualTo(77_000);
      assertThat(live.get("d.txt").meta().base()).isEqualTo("5,etag");
      assertThat(j.inlineData(live.get("d.txt"))).isEqualTo(bytes("delta"));
      assertThat(j.maxGeneration()).isEqualTo(6);
      assertThat(j.tornRecords()).isZero();
    }
  }

  @Test
  void aRecordTornByACrashIsCutAndEverythingBeforeItKept() throws Exception {
    try (PendingJournal j = PendingJournal.open(dir)) {
      j.put(meta("kept.txt", 1, 4), bytes("kept"));
      j.sync(j.put(meta("torn.txt", 2, 4), bytes("torn")));
    }
    Path file = dir.resolve(PendingJournal.FILE);
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size - 2); // the crash came while the second record was written
    }
    try (PendingJournal j = PendingJournal.open(dir)) {
      assertThat(j.tornRecords()).isEqualTo(1);
      assertThat(j.live()).containsOnlyKeys("kept.txt");
      // the next record goes where the torn one was, and replays
      j.sync(j.put(meta("next.txt", 3, 4), bytes("next")));
    }
    try (PendingJournal j = PendingJournal.open(dir)) {
      assertThat(j.tornRecords()).isZero();
      assertThat(j.live()).containsOnlyKeys("kept.txt", "next.txt");
      assertThat(j.inlineData(j.live().get("next.txt"))).isEqualTo(bytes("next"));
    }
  }

  @Test
  void compactionKeepsThePendingBytesAndShrinksTheFile() throws Exception {
    byte[] big = new byte[PendingJournal.INLINE_MAX];
    try (PendingJournal j = PendingJournal.open(dir)) {
      j.put(meta("stays.txt", 1, 6), bytes("stays!"));
      for (int i = 0; i < 3; i++) {
        j.put(meta("gone" + i, 10 + i, big.length), big);
        j.done("gone" + i, 10 + i);
      }
      long before = j.sizeBytes();
      j.compact();
      assertThat(j.sizeBytes()).isLessThan(before / 100);
      assertThat(j.inlineData(j.live().get("stays.txt"))).isEqualTo(bytes("stays!"));
      j.sync(j.put(meta("after.txt", 20, 5), bytes("after")));
    }
    try (PendingJournal j = PendingJournal.open(dir)) {
      assertThat(j.live()).containsOnlyKeys("stays.txt", "after.txt");
      assertThat(j.inlineData(j.live().get("stays.txt"))).isEqualTo(bytes("stays!"));
      assertThat(j.inlineData(j.live().get("after.txt"))).isEqualTo(bytes("after"));
    }
  }

  @Test
  void whenNothingIsPendingAnyMoreALargeJournalStartsOver() throws Exception {
    byte[] big = new byte[PendingJournal.INLINE_MAX];
    try (PendingJournal j = PendingJournal.open(dir)) {
      j.put(meta("x", 1, big.length), big);
      j.put(meta("y", 2, big.length), big);
      j.done("x", 1);
      assertThat(j.sizeBytes()).isGreaterThan(2L * big.length);
      j.done("y", 2);
      assertThat(j.sizeBytes()).isZero();
    }
  }

  @Test
  void concurrentWritersAllFindTheirRecordsDurable() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (PendingJournal j = PendingJournal.open(dir)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        Callable<Void> put =
            () -> {
              j.sync(j.put(meta("f" + n, n + 1, 4), bytes(String.format("%04d", n))));
              return null;
            };
        done.add(pool.submit(put));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    try (PendingJournal j = PendingJournal.open(dir)) {
      assertThat(j.live()).hasSize(200);
      assertThat(j.inlineData(j.live().get("f123"))).isEqualTo(bytes("0123"));
    }
  }
}
