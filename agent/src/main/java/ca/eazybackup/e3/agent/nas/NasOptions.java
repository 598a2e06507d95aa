package ca.eazybackup.e3.agent.nas;

import java.nio.file.Path;

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
 */
public record NasOptions(
    CacheMode cacheMode,
    long cacheMaxBytes,
    long uploadBytesPerSec,
    long downloadBytesPerSec,
    boolean readOnly,
    Path cacheDir) {

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
  }

  /** Cache mode off, no limits, read-write, no cache folder. */
  public static NasOptions uncached() {
    return new NasOptions(CacheMode.OFF, 0, 0, 0, false, null);
  }

  /** The same options with {@code readOnly} set. */
  public NasOptions asReadOnly() {
    return new NasOptions(
        cacheMode, cacheMaxBytes, uploadBytesPerSec, downloadBytesPerSec, true, cacheDir);
  }
}
