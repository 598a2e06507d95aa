package ca.eazybackup.e3.agent.nas;

import java.util.Locale;

/**
 * How much of a served volume goes through the local disk cache, with rclone's meanings ({@code
 * --vfs-cache-mode}, rclone docs "VFS File Caching"), translated to what a WebDAV client can ask:
 *
 * <ul>
 *   <li>{@link #OFF}: GETs read S3 directly and PUTs stream straight to S3; the client's PUT is
 *       answered once S3 has the object. A partial PUT ({@code Content-Range}, the WebDAV form of a
 *       read+write open) is refused. A failed upload is reported to the client, not retried.
 *   <li>{@link #MINIMAL}: like {@code OFF}, but a partial PUT is buffered on disk (the object is
 *       fetched, patched, uploaded) — rclone buffers only read+write opens in this mode.
 *   <li>{@link #WRITES}: every PUT is written to the cache, fsync'd, answered, and uploaded in the
 *       background; failed uploads are retried with backoff up to one minute apart, and uploads
 *       pending when the process died are resumed at the next start. Reads of files not pending
 *       upload go to S3.
 *   <li>{@link #FULL}: {@code WRITES}, and reads are cached too, as sparse files that remember
 *       which ranges were fetched.
 * </ul>
 */
public enum CacheMode {
  OFF,
  MINIMAL,
  WRITES,
  FULL;

  /**
   * Parses the addon's and the command line's spelling ({@code off}, {@code minimal}, {@code
   * writes}, {@code full}, any case). Blank means the seed's default, {@code full}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static CacheMode parse(String s) {
    if (s == null || s.isBlank()) {
      return FULL;
    }
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown cache mode '" + s + "': use off, minimal, writes or full", e);
    }
  }

  /** The lower-case spelling the addon and rclone use. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
