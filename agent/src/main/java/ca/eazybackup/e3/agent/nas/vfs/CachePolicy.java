package ca.eazybackup.e3.agent.nas.vfs;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.agent.nas.NasOptions;
import java.time.Duration;

/**
 * The one policy value every read and write path of the volume consults (rclone's
 * vfscommon.Options): what the cache mode means is decided here and nowhere else.
 *
 * @param mode the user's choice
 * @param maxCleanBytes clean cache data kept before LRU eviction; 0 = unlimited
 * @param dirCacheTime how long a folder listing is trusted before S3 is asked again
 * @param writeBack how long a written file waits before its upload starts (rclone's {@code
 *     --vfs-write-back}); writes within that time to the same file are uploaded once
 * @param maxRetryDelay the longest wait between two tries of a failed background upload
 */
record CachePolicy(
    CacheMode mode,
    long maxCleanBytes,
    Duration dirCacheTime,
    Duration writeBack,
    Duration maxRetryDelay) {

  static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofMinutes(1);

  static CachePolicy of(CacheMode mode, long maxCleanBytes) {
    return new CachePolicy(
        mode,
        maxCleanBytes,
        NasOptions.DEFAULT_DIR_CACHE_TIME,
        NasOptions.DEFAULT_WRITE_BACK,
        DEFAULT_MAX_RETRY_DELAY);
  }

  /** PUTs land in the cache, are answered once fsync'd, and upload in the background. */
  boolean writesBack() {
    return mode == CacheMode.WRITES || mode == CacheMode.FULL;
  }

  /** GETs of files not pending upload fill the cache (sparse: only the ranges read). */
  boolean cachesReads() {
    return mode == CacheMode.FULL;
  }

  /** A partial PUT (the WebDAV read+write open) is possible: buffered on disk. */
  boolean allowsPartialWrites() {
    return mode != CacheMode.OFF;
  }

  CachePolicy withTimes(Duration dirCacheTime, Duration writeBack) {
    return new CachePolicy(mode, maxCleanBytes, dirCacheTime, writeBack, maxRetryDelay);
  }
}
