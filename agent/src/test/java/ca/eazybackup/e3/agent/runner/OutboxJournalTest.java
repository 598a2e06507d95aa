package ca.eazybackup.e3.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxJournalTest {
  @TempDir Path dir;

  @Test
  void replaysWhatWasNotAcknowledgedInTheOrderItWasQueued() throws Exception {
    List<Long> ids = new ArrayList<>();
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      for (int i = 1; i <= 5; i++) {
        ids.add(j.append(item(i), i == 5));
      }
      j.ack(List.of(ids.get(1), ids.get(3)));
    }
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      Map<Long, ObjectNode> pending = j.pending();
      assertThat(pending.values()).extracting(n -> n.path("n").asInt()).containsExactly(1, 3, 5);
      long next = j.append(item(6), false);
      assertThat(next).as("ids keep growing across restarts").isGreaterThan(ids.get(4));
    }
  }

  @Test
  void aRecordTornByACrashIsCutOffAndEverythingBeforeItIsKept() throws Exception {
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      j.append(item(1), true);
      j.append(item(2), true);
    }
    Path file = dir.resolve(OutboxJournal.FILE);
    long whole = Files.size(file);
    // A crash in the middle of the third record's write: its header and half its body.
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      j.append(item(3), true);
    }
    long withThird = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(whole + (withThird - whole) / 2);
    }

    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      assertThat(j.tornRecords()).isEqualTo(1);
      assertThat(j.pending().values()).extracting(n -> n.path("n").asInt()).containsExactly(1, 2);
      assertThat(Files.size(file)).as("the torn tail is cut off").isEqualTo(whole);
      j.append(item(4), true);
    }
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      assertThat(j.tornRecords()).isZero();
      assertThat(j.pending().values())
          .extracting(n -> n.path("n").asInt())
          .containsExactly(1, 2, 4);
    }
  }

  @Test
  void aRecordWithABadChecksumEndsTheReplay() throws Exception {
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      j.append(item(1), true);
      j.append(item(2), true);
    }
    Path file = dir.resolve(OutboxJournal.FILE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 0x5a;
    Files.write(file, bytes);
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      assertThat(j.tornRecords()).isEqualTo(1);
      assertThat(j.pending().values()).extracting(n -> n.path("n").asInt()).containsExactly(1);
    }
  }

  @Test
  void acknowledgedRecordsAreCompactedAwaySoTheFileStaysBounded() throws Exception {
    Path file = dir.resolve(OutboxJournal.FILE);
    long peak = 0;
    try (OutboxJournal j = OutboxJournal.open(dir, 32 * 1024)) {
      long keep = j.append(item(0), true);
      for (int round = 0; round < 50; round++) {
        List<Long> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          batch.add(j.append(item(i), false));
        }
        j.ack(batch);
        peak = Math.max(peak, Files.size(file));
      }
      assertThat(j.liveCount()).isEqualTo(1);
      assertThat(keep).isPositive();
    }
    // 5,000 items of ~100 bytes went through: without compaction the file would hold all of them.
    assertThat(peak).isLessThan(64 * 1024);
    assertThat(Files.size(file)).isLessThan(64 * 1024);
    try (OutboxJournal j = OutboxJournal.open(dir, 32 * 1024)) {
      assertThat(j.pending().values()).extracting(n -> n.path("n").asInt()).containsExactly(0);
    }
  }

  @Test
  void anAmendedItemIsReplayedWithItsLatestContent() throws Exception {
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      long id = j.append(item(1), true);
      ObjectNode grown = item(1);
      grown.put("count", 4711);
      j.amend(id, grown);
    }
    try (OutboxJournal j = OutboxJournal.open(dir, 1 << 20)) {
      assertThat(j.pending().values())
          .singleElement()
          .satisfies(n -> assertThat(n.path("count").asInt()).isEqualTo(4711));
    }
  }

  private static ObjectNode item(int n) {
    ObjectNode o = AgentApiClient.JSON.createObjectNode();
    o.put("kind", "event");
    o.put("n", n);
    o.put("pad", "x".repeat(60));
    return o;
  }
}
