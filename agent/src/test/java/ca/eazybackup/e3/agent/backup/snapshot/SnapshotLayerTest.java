package ca.eazybackup.e3.agent.backup.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.object.ObjectId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.testing.MemoryContentStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotLayerTest {
  private final MemoryContentStore store = new MemoryContentStore();
  private final ObjectManager objects = new ObjectManager(store, "DYNAMIC-4M-BUZHASH");
  private final ManifestStore manifests = new ManifestStore(store, Clock.systemUTC());
  private final SnapshotManager snapshots = new SnapshotManager(manifests);
  private static final String HEX = "0123456789abcdef0123456789abcdef";

  private static DirectorySummary summary(long files) {
    return new DirectorySummary(
        10, files, 0, 1, Instant.parse("2024-01-02T03:04:05.5Z"), null, 0, 0, List.of());
  }

  @Test
  void writesDirectoriesAsKopiaJsonWithGoOmitemptyRules() throws Exception {
    ObjectId id;
    try (DirectoryWriter w = new DirectoryWriter(objects)) {
      w.add(
          new DirEntry(
              "sub",
              "d",
              0755,
              0,
              Instant.parse("2024-01-01T00:00:00Z"),
              0,
              0,
              new ObjectId("k" + HEX),
              summary(1)));
      w.add(
          new DirEntry(
              "a.txt",
              "f",
              0644,
              10,
              Instant.parse("2024-01-01T00:00:00.123Z"),
              1000,
              1000,
              new ObjectId(HEX),
              null));
      id = w.finish(summary(1));
    }
    assertThat(id.value()).startsWith("k");
    String json = new String(objects.readAll(id), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"stream\":\"kopia:directory\",\"entries\":["
                + "{\"name\":\"sub\",\"type\":\"d\",\"mode\":\"0755\",\"mtime\":\"2024-01-01T00:00:00Z\",\"obj\":\"k"
                + HEX
                + "\","
                + "\"summ\":{\"size\":10,\"files\":1,\"symlinks\":0,\"dirs\":1,\"maxTime\":\"2024-01-02T03:04:05.5Z\",\"numFailed\":0}},"
                + "{\"name\":\"a.txt\",\"type\":\"f\",\"mode\":\"0644\",\"size\":10,\"mtime\":\"2024-01-01T00:00:00.123Z\",\"uid\":1000,\"gid\":1000,\"obj\":\""
                + HEX
                + "\"}],"
                + "\"summary\":{\"size\":10,\"files\":1,\"symlinks\":0,\"dirs\":1,\"maxTime\":\"2024-01-02T03:04:05.5Z\",\"numFailed\":0}}\n");
    List<DirEntry> back = DirectoryReader.readAll(objects, id);
    assertThat(back).hasSize(2);
    assertThat(back.get(1).mode()).isEqualTo(0644);
    assertThat(back.get(1).mtime()).isEqualTo(Instant.parse("2024-01-01T00:00:00.123Z"));
    try (DirectoryReader r = DirectoryReader.open(objects, id)) {
      assertThat(r.summary().files()).isEqualTo(1);
    }
  }

  @Test
  void refusesEntriesOutOfKopiaOrder() throws Exception {
    try (DirectoryWriter w = new DirectoryWriter(objects)) {
      w.add(new DirEntry("b", "f", 0644, 1, Instant.EPOCH, 0, 0, new ObjectId(HEX), null));
      assertThatThrownBy(
              () ->
                  w.add(
                      new DirEntry(
                          "a",
                          "d",
                          0755,
                          0,
                          Instant.EPOCH,
                          0,
                          0,
                          new ObjectId("k" + HEX),
                          summary(0))))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void ordersNamesByUtf8BytesLikeGo() {
    // U+FF21 (3 UTF-8 bytes, EF BC A1) sorts after U+1F600 (F0 ...) in UTF-16 but before it in
    // UTF-8.
    assertThat(DirEntry.compareNames("\uFF21", "\uD83D\uDE00")).isNegative();
    assertThat(DirEntry.compareOrder(false, "a", true, "z")).isPositive();
  }

  @Test
  void parsesGoModesAndTimesWithOffsets() {
    assertThat(DirectoryJson.parseMode("0644")).isEqualTo(0644);
    assertThat(DirectoryJson.parseMode("420")).isEqualTo(420);
    OffsetDateTime t = GoTime.parse("2024-03-04T05:06:07.000000001-05:00");
    assertThat(GoTime.format(t)).isEqualTo("2024-03-04T05:06:07.000000001-05:00");
  }

  @Test
  void manifestStoreKeepsTheLatestEntryPerIdAndDropsDeleted() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String a = manifests.put(Map.of("type", "x", "k", "1"), json.readTree("{\"v\":1}"));
    String b = manifests.put(Map.of("type", "x", "k", "2"), json.readTree("{\"v\":2}"));
    manifests.delete(a);
    store.flush();
    ManifestStore fresh = new ManifestStore(store, Clock.systemUTC());
    assertThat(fresh.get(a)).isEmpty();
    assertThat(fresh.get(b).orElseThrow().data().get("v").asInt()).isEqualTo(2);
    assertThat(fresh.find(Map.of("type", "x"))).hasSize(1);
  }

  @Test
  void unflushedManifestsVanishOnCrash() throws Exception {
    manifests.put(Map.of("type", "x"), new ObjectMapper().readTree("{}"));
    store.crash();
    assertThat(new ManifestStore(store, Clock.systemUTC()).find(Map.of("type", "x"))).isEmpty();
  }

  @Test
  void compactsSixteenManifestContentsIntoOne() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 20; i++) {
      manifests.put(Map.of("type", "x", "i", "" + i), json.readTree("{\"i\":" + i + "}"));
    }
    assertThat(manifests.compactIfNeeded()).isTrue();
    store.flush();
    assertThat(store.countWithPrefix("m")).isEqualTo(1);
    assertThat(new ManifestStore(store, Clock.systemUTC()).find(Map.of("type", "x"))).hasSize(20);
  }

  @Test
  void savesLoadsAndListsSnapshotsBySource() throws Exception {
    SourceInfo src = new SourceInfo("host1", "alice", "/data");
    DirEntry root =
        new DirEntry(
            "data", "d", 0755, 0, Instant.EPOCH, 0, 0, new ObjectId("k" + HEX), summary(3));
    OffsetDateTime t0 = OffsetDateTime.of(2024, 1, 1, 10, 0, 0, 0, ZoneOffset.ofHours(-5));
    SnapshotManifest m =
        new SnapshotManifest(
            null,
            src,
            "",
            t0,
            t0.plusMinutes(1),
            new SnapshotStats(10, 0, 3, 1, 2, 1, 0, 0, 0, 0),
            null,
            root,
            Map.of("tag:job", "7"),
            null);
    String id = snapshots.save(m);
    snapshots.save(m.withId(null));
    store.flush();
    SnapshotManager fresh = new SnapshotManager(new ManifestStore(store, Clock.systemUTC()));
    SnapshotManifest back = fresh.load(id).orElseThrow();
    assertThat(back.withId(null)).isEqualTo(m);
    assertThat(fresh.list(src)).hasSize(2);
    assertThat(fresh.list(new SourceInfo("host1", "alice", "/other"))).isEmpty();
    assertThat(fresh.manifests().get(id).orElseThrow().labels())
        .containsEntry("type", "snapshot")
        .containsEntry("hostname", "host1")
        .containsEntry("tag:job", "7");
  }
}
