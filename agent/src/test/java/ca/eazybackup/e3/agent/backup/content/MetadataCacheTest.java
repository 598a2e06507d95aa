package ca.eazybackup.e3.agent.backup.content;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataCacheTest {
  @TempDir Path dir;

  /** A metadata id whose hash ends in 0x00, so every one lands in shard "00". */
  private static ContentId id(int n) {
    byte[] h = new byte[16];
    h[0] = (byte) n;
    h[1] = (byte) (n >> 8);
    return ContentId.of("k", h);
  }

  private void usedAt(ContentId id, long seconds) throws Exception {
    FileTime t = FileTime.fromMillis(seconds * 1000);
    Files.getFileAttributeView(dir.resolve("00").resolve(id.value()), BasicFileAttributeView.class)
        .setTimes(t, t, null);
  }

  private long shardBytes() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("00"))) {
      long total = 0;
      for (Path p : s.toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  @Test
  void aFullShardLosesItsLeastRecentlyUsedFilesFirst() throws Exception {
    MetadataCache cache = new MetadataCache(dir, 256 * 1000); // 1000 bytes per shard
    byte[] body = new byte[300];
    cache.put(id(1), body);
    cache.put(id(2), body);
    cache.put(id(3), body);
    assertThat(shardBytes()).isEqualTo(900); // within the share: nothing evicted
    usedAt(id(1), 1000);
    usedAt(id(2), 10);
    usedAt(id(3), 500);

    cache.put(id(4), body); // 1200 bytes: trimmed to at most 3/4 of the share, oldest first

    assertThat(cache.get(id(2))).isNull();
    assertThat(cache.get(id(3))).isNull();
    assertThat(cache.get(id(1))).isEqualTo(body);
    assertThat(cache.get(id(4))).isEqualTo(body);
    assertThat(shardBytes()).isLessThanOrEqualTo(750);
  }

  @Test
  void manyWritesKeepEveryShardNearItsShare() throws Exception {
    MetadataCache cache = new MetadataCache(dir, 256 * 4096);
    byte[] body = new byte[512];
    for (int i = 0; i < 200; i++) {
      cache.put(id(i), body);
    }
    // at most one trim interval (a quarter of the share) above the share
    assertThat(shardBytes()).isLessThanOrEqualTo(4096 + 4096 / 4 + body.length);
  }

  @Test
  void aDroppedCopyIsGoneAndAMissingOneIsNull() throws Exception {
    MetadataCache cache = new MetadataCache(dir, 1 << 20);
    cache.put(id(1), new byte[] {1, 2});
    cache.drop(id(1));
    assertThat(cache.get(id(1))).isNull();
    assertThat(cache.get(id(2))).isNull();
  }
}
