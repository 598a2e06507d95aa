package ca.eazybackup.e3.agent.nas;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How one volume is served.
 *
 * @param cacheMode see {@link CacheMode}
 * @param cacheMaxBytes the most clean (already uploaded) data kept in the cache before the least
 *     recently used is evicted; 0 = unlimited. Data waiting for upload is never evicted, so the
 *     cache may exceed this while uploads are pending.
 * @param uploadBytesPerSec upload limit for this volume, bytes per second; 0 = unlimited
 * @param downloadBytesPerSec download limit for this volume, bytes per second; 0 = unlimited
 * @param readOnly every write method is answered 403
 * @param cacheDir the volume's own cache folder (one per bucket + prefix: two volumes must never
 *     share one, as with rclone's {@code --cache-dir}); required for {@link CacheMode#MINIMAL},
 *     {@link CacheMode#WRITES} and {@link CacheMode#FULL}; may be {@code null} with {@link
 *     CacheMode#OFF}, in which case dead properties live in memory only
 * @param writeBack in cache modes writes and full, how long a saved file waits before its upload
 *     starts (rclone's {@code --vfs-write-back}, default 2 s): saves of the same file within it are
 *     uploaded once
 * @param dirCacheTime how long a folder listing is trusted before S3 is asked again (rclone's
 *     {@code --dir-cache-time}; ours is short, 30 s, because other clients write to the bucket)
 */
public record NasOptions(
    CacheMode cacheMode,
    long cacheMaxBytes,
    long uploadBytesPerSec,
    long downloadBytesPerSec,
    boolean readOnly,
    Path cacheDir,
    Duration writeBack,
    Duration dirCacheTime) {

  public static final Duration DEFAULT_WRITE_BACK = Duration.ofSeconds(2);
  public static final Duration DEFAULT_DIR_CACHE_TIME = Duration.ofSeconds(30);

  public NasOptions {
    if (cacheMode == null) {
      throw new IllegalArgumentException("cache mode is required");
    }
    if (cacheMaxBytes < 0 || uploadBytesPerSec < 0 || downloadBytesPerSec < 0) {
      throw new IllegalArgumentException("cache size and bandwidth limits cannot be negative");
    }
    if (cacheMode != CacheMode.OFF && cacheDir == null) {
      throw new IllegalArgumentException(
          "cache mode " + cacheMode.wireName() + " needs a cache folder");
    }
    if (writeBack == null || writeBack.isNegative()) {
      throw new IllegalArgumentException("the write-back delay cannot be negative");
    }
    if (dirCacheTime == null || dirCacheTime.isNegative()) {
      throw new IllegalArgumentException("the directory cache time cannot be negative");
    }
  }

  /** The default write-back delay and directory cache time. */
  public NasOptions(
      CacheMode cacheMode,
      long cacheMaxBytes,
      long uploadBytesPerSec,
      long downloadBytesPerSec,
      boolean readOnly,
      Path cacheDir) {
    this(
        cacheMode,
        cacheMaxBytes,
        uploadBytesPerSec,
        downloadBytesPerSec,
        readOnly,
        cacheDir,
        DEFAULT_WRITE_BACK,
        DEFAULT_DIR_CACHE_TIME);
  }

  /** Cache mode off, no limits, read-write, no cache folder. */
  public static NasOptions uncached() {
    return new NasOptions(CacheMode.OFF, 0, 0, 0, false, null);
  }

  /** The same options with {@code readOnly} set. */
  public NasOptions asReadOnly() {
    return new NasOptions(
        cacheMode,
        cacheMaxBytes,
        uploadBytesPerSec,
        downloadBytesPerSec,
        true,
        cacheDir,
        writeBack,
        dirCacheTime);
  }

  /** The same options with another write-back delay. */
  public NasOptions withWriteBack(Duration delay) {
    return new NasOptions(
        cacheMode,
        cacheMaxBytes,
        uploadBytesPerSec,
        downloadBytesPerSec,
        readOnly,
        cacheDir,
        delay,
        dirCacheTime);
  }

  /** The same options with another directory cache time. */
  public NasOptions withDirCacheTime(Duration ttl) {
    return new NasOptions(
        cacheMode,
        cacheMaxBytes,
        uploadBytesPerSec,
        downloadBytesPerSec,
        readOnly,
        cacheDir,
        writeBack,
        ttl);
  }
}
