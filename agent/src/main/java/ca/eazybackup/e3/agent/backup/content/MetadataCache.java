package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata contents (directories, manifests, indirect lists) on disk as stored (encrypted), as
 * Kopia's metadata cache keeps them, bounded by bytes. Files live in 256 shards by the id's last
 * two hex digits; ids are hashes, so shards fill evenly and each is held to 1/256 of the budget. A
 * shard is trimmed, least recently used first, once a quarter of its share has been written to it
 * since its last trim: a trim lists one shard, so its cost and memory stay small for any cache
 * size.
 *
 * <p>Recency is the file's access time as the file system keeps it (Linux relatime updates it at
 * most daily), or its write time when that is later, so a cache hit costs no extra system call.
 * Callers still decrypt and hash-check every cached copy: a wrong one is dropped, never trusted.
 */
final class MetadataCache {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataCache.class);
  private static final int SHARDS = 256;

  /** The default budget: enough for the directories of a multi-million-file tree. */
  static final long DEFAULT_MAX_BYTES = 1L << 30;

  private final Path dir;
  private final long shardBudget;
  private final AtomicLongArray writtenSinceTrim = new AtomicLongArray(SHARDS);

  MetadataCache(Path dir, long maxBytes) {
    this.dir = dir;
    this.shardBudget = Math.max(1, maxBytes / SHARDS);
  }

  /** The budget from {@code -De3.kopia.metadataCacheMb}, else {@link #DEFAULT_MAX_BYTES}. */
  static long configuredMaxBytes() {
    long mb = Long.getLong("e3.kopia.metadataCacheMb", DEFAULT_MAX_BYTES >> 20);
    return Math.max(1, mb) << 20;
  }

  private static String shardName(ContentId id) {
    String v = id.value();
    return v.substring(v.length() - 2);
  }

  private static int shardIndex(String shard) {
    try {
      return Integer.parseInt(shard, 16) & (SHARDS - 1);
    } catch (NumberFormatException e) {
      return shard.hashCode() & (SHARDS - 1);
    }
  }

  private Path path(ContentId id) {
    return dir.resolve(shardName(id)).resolve(id.value());
  }

  /** The stored bytes of {@code id}, or null when not cached. */
  byte[] get(ContentId id) {
    try {
      return Files.readAllBytes(path(id));
    } catch (IOException missing) {
      return null;
    }
  }

  /** Caches {@code cipher} as {@code id} unless present; trims the shard when it has grown. */
  void put(ContentId id, byte[] cipher) {
    Path p = path(id);
    if (Files.exists(p)) {
      return;
    }
    try {
      CacheFiles.writeAtomically(p, cipher);
    } catch (IOException e) {
      LOG.warn("event=metadata_cache_write_failed content={} error=\"{}\"", id, e.getMessage());
      return;
    }
    String shard = shardName(id);
    int i = shardIndex(shard);
    if (writtenSinceTrim.addAndGet(i, cipher.length) > shardBudget / 4) {
      writtenSinceTrim.set(i, 0);
      trim(dir.resolve(shard));
    }
  }

  /** Forgets {@code id} (a copy that failed its check). */
  void drop(ContentId id) {
    try {
      Files.deleteIfExists(path(id));
    } catch (IOException e) {
      LOG.debug("event=metadata_cache_drop_failed content={} error=\"{}\"", id, e.getMessage());
    }
  }

  private record Cached(Path path, long size, long used) {}

  /** Deletes the least recently used files of one shard until it is at 3/4 of its share. */
  void trim(Path shard) {
    List<Cached> files = new ArrayList<>();
    long total = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(shard)) {
      for (Path p : ds) {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          long used = Math.max(a.lastAccessTime().toMillis(), a.lastModifiedTime().toMillis());
          files.add(new Cached(p, a.size(), used));
          total += a.size();
        } catch (NoSuchFileException gone) {
          // deleted meanwhile (another trim or a drop)
        }
      }
    } catch (IOException e) {
      LOG.debug("event=metadata_cache_trim_failed shard={} error=\"{}\"", shard, e.getMessage());
      return;
    }
    if (total <= shardBudget) {
      return;
    }
    files.sort(Comparator.comparingLong(Cached::used));
    long target = shardBudget / 4 * 3;
    int deleted = 0;
    for (Cached c : files) {
      if (total <= target) {
        break;
      }
      try {
        Files.deleteIfExists(c.path());
        total -= c.size();
        deleted++;
      } catch (IOException e) {
        LOG.debug(
            "event=metadata_cache_evict_failed path={} error=\"{}\"", c.path(), e.getMessage());
      }
    }
    LOG.debug("event=metadata_cache_trimmed shard={} deleted={} bytes={}", shard, deleted, total);
  }
}
