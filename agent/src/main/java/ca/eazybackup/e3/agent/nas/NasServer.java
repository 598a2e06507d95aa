package ca.eazybackup.e3.agent.nas;

import ca.eazybackup.e3.agent.nas.vfs.S3FileSystem;
import ca.eazybackup.e3.agent.nas.webdav.DavServer;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Cloud NAS: serves S3 buckets (and read-only trees such as a backup snapshot) over WebDAV on
 * 127.0.0.1, for Windows to map as drive letters.
 *
 * <p>One server per agent process, serving any number of volumes, each under its own random
 * capability path ({@link ServedVolume#url()}): the port stays the same across mounts and remounts
 * while the process lives, which is what Windows' WebClient caches (the seed's "stale port" trouble
 * comes from a new port per mount). Volumes are independent: their own cache folder, cache mode,
 * bandwidth limits and locks.
 *
 * <pre>{@code
 * NasServer nas = NasServer.start(0);
 * ServedVolume v = nas.serveBucket(s3, target, "bucket", "prefix", options, events);
 * drives.map('Y', v.url());   // http://127.0.0.1:PORT/<capability>/
 * ...
 * v.close();                  // flushes (bounded), stops serving
 * nas.close();
 * }</pre>
 */
public final class NasServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NasServer.class);
  private static final Duration CLOSE_FLUSH = Duration.ofSeconds(30);

  private final DavServer dav;

  private NasServer(DavServer dav) {
    this.dav = dav;
  }

  /**
   * Starts the WebDAV server on 127.0.0.1:{@code port}; 0 picks a free port.
   *
   * @throws NasException when the port is taken
   */
  public static NasServer start(int port) throws NasException {
    try {
      DavServer dav = DavServer.start(port);
      log.info("event=nas_server_started port={}", dav.port());
      return new NasServer(dav);
    } catch (IOException e) {
      throw new NasException(
          "the Cloud NAS server cannot start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  /** The port every volume of this server is served on. */
  public int port() {
    return dav.port();
  }

  /**
   * Serves {@code bucket}/{@code prefix} read-write (or read-only per {@code options}). Uploads a
   * killed process left in {@code options.cacheDir()} are resumed at once.
   *
   * @throws NasException when the bucket cannot be reached, does not exist, the keys are refused,
   *     or the cache folder cannot be used
   */
  public ServedVolume serveBucket(
      S3ClientFactory s3,
      S3Target target,
      String bucket,
      String prefix,
      NasOptions options,
      NasEvents events)
      throws NasException {
    S3Client client = s3.client(target);
    checkBucket(client, target, bucket);
    NasEvents logged = logged(events, bucket);
    S3FileSystem fs =
        S3FileSystem.open(client, s3.directPut(target), bucket, prefix, options, logged);
    try {
      DavServer.Mount mount =
          dav.mount(
              fs,
              options.readOnly(),
              logged,
              options.cacheDir() == null ? null : options.cacheDir().resolve("properties"));
      log.info(
          "event=nas_volume_served bucket={} prefix={} cache_mode={} read_only={} url_port={}",
          bucket,
          prefix == null ? "" : prefix,
          options.cacheMode().wireName(),
          options.readOnly(),
          dav.port());
      return new BucketVolume(mount, fs);
    } catch (IOException e) {
      fs.close(Duration.ZERO);
      throw new NasException("cannot serve bucket '" + bucket + "': " + e.getMessage(), e);
    }
  }

  /** The seam's form: {@code bucketAndPrefix} is {@code bucket} or {@code bucket/prefix/in/it}. */
  public ServedVolume serveBucket(
      S3ClientFactory s3,
      S3Target target,
      String bucketAndPrefix,
      NasOptions options,
      NasEvents events)
      throws NasException {
    String[] bp = splitBucket(bucketAndPrefix);
    return serveBucket(s3, target, bp[0], bp[1], options, events);
  }

  /** Serves a read-only tree (Time Machine: a backup snapshot). */
  public ServedVolume serve(NasFileSystem readOnlyTree, NasOptions options) {
    return serve(readOnlyTree, options, NasEvents.none());
  }

  /** Serves a read-only tree, reporting to {@code events} (a folder too large to list...). */
  public ServedVolume serve(NasFileSystem readOnlyTree, NasOptions options, NasEvents events) {
    try {
      DavServer.Mount mount =
          dav.mount(readOnlyTree, true, events == null ? NasEvents.none() : events, null);
      return new TreeVolume(mount, readOnlyTree);
    } catch (IOException e) {
      throw new IllegalStateException("an in-memory volume cannot fail to mount", e);
    }
  }

  /**
   * Uploads what a killed process left pending in {@code cacheDir}, without serving it (for a mount
   * that is not mounted again). Returns how many files were pending.
   *
   * @throws NasException when the uploads could not all finish within 10 minutes (they stay
   *     cached), or the cache folder is in use
   */
  public static int resumePending(
      S3ClientFactory s3,
      S3Target target,
      String bucket,
      String prefix,
      Path cacheDir,
      NasEvents events)
      throws NasException {
    S3FileSystem fs = openPending(s3, target, bucket, prefix, cacheDir, events);
    // counted at open: its uploaders start at once and could already have sent one
    int pending = fs.resumedAtOpen();
    try {
      fs.flushOrFail(Duration.ofMinutes(10));
    } finally {
      fs.close(Duration.ZERO);
    }
    return pending;
  }

  /**
   * Opens a cache folder that no served volume uses, only to upload what it holds pending: its
   * uploaders start at once and retry until S3 accepts. The caller flushes and closes it.
   */
  public static S3FileSystem openPending(
      S3ClientFactory s3,
      S3Target target,
      String bucket,
      String prefix,
      Path cacheDir,
      NasEvents events)
      throws NasException {
    // writes, not full: once uploaded, nothing of a volume no longer served is worth keeping
    NasOptions options = new NasOptions(CacheMode.WRITES, 0, 0, 0, false, cacheDir);
    return S3FileSystem.open(
        s3.client(target), s3.directPut(target), bucket, prefix, options, logged(events, bucket));
  }

  /**
   * The seam's form of {@link #resumePending(S3ClientFactory, S3Target, String, String, Path,
   * NasEvents)}.
   */
  public static int resumePending(
      S3ClientFactory s3, S3Target target, String bucketAndPrefix, Path cacheDir, NasEvents events)
      throws NasException {
    String[] bp = splitBucket(bucketAndPrefix);
    return resumePending(s3, target, bp[0], bp[1], cacheDir, events);
  }

  /** Stops serving every volume (each flushed, bounded) and the server. */
  @Override
  public void close() {
    dav.close();
    log.info("event=nas_server_stopped port={}", dav.port());
  }

  private static String[] splitBucket(String bucketAndPrefix) {
    String s = bucketAndPrefix == null ? "" : bucketAndPrefix.replaceAll("^/+", "");
    int slash = s.indexOf('/');
    return slash < 0
        ? new String[] {s, ""}
        : new String[] {s.substring(0, slash), s.substring(slash + 1)};
  }

  private static void checkBucket(S3Client s3, S3Target target, String bucket) throws NasException {
    if (bucket == null || bucket.isBlank()) {
      throw new NasException("no bucket named: a Cloud NAS drive serves one bucket");
    }
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      throw new NasException(
          "bucket '" + bucket + "' does not exist at " + target.endpoint() + ": create it first",
          e);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new NasException(
            "bucket '" + bucket + "' does not exist at " + target.endpoint() + ": create it first",
            e);
      }
      if (e.statusCode() == 403) {
        throw new NasException(
            "access to bucket '"
                + bucket
                + "' at "
                + target.endpoint()
                + " is denied: check the"
                + " access keys",
            e);
      }
      throw new NasException(
          "bucket '"
              + bucket
              + "' at "
              + target.endpoint()
              + " cannot be checked: "
              + e.getMessage(),
          e);
    } catch (SdkClientException e) {
      throw new NasException(
          "the S3 endpoint " + target.endpoint() + " cannot be reached: " + e.getMessage(), e);
    }
  }

  private static NasEvents logged(NasEvents events, String bucket) {
    NasEvents to = events == null ? NasEvents.none() : events;
    return (code, message, params) -> {
      log.info(
          "event={} bucket={} detail={}", code.toLowerCase(java.util.Locale.ROOT), bucket, message);
      try {
        to.event(code, message, params == null ? Map.of() : params);
      } catch (RuntimeException e) {
        log.warn("nas.event_listener_failed code={} error={}", code, e.toString());
      }
    };
  }

  /** A served bucket. */
  private static final class BucketVolume implements ServedVolume {
    private final DavServer.Mount mount;
    private final S3FileSystem fs;
    private volatile boolean closed;

    BucketVolume(DavServer.Mount mount, S3FileSystem fs) {
      this.mount = mount;
      this.fs = fs;
    }

    @Override
    public URI url() {
      return mount.url();
    }

    @Override
    public long cacheBytesUsed() {
      return fs.cacheBytes();
    }

    @Override
    public int pendingUploads() {
      return fs.pendingWrites();
    }

    @Override
    public void flush(Duration timeout) throws NasException {
      fs.flushOrFail(timeout);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      mount.close();
      fs.close(CLOSE_FLUSH);
    }

    @Override
    public String toString() {
      return "ServedVolume[" + fs + "]";
    }
  }

  /** A served read-only tree. */
  private static final class TreeVolume implements ServedVolume {
    private final DavServer.Mount mount;
    private final NasFileSystem tree;

    TreeVolume(DavServer.Mount mount, NasFileSystem tree) {
      this.mount = mount;
      this.tree = tree;
    }

    @Override
    public URI url() {
      return mount.url();
    }

    @Override
    public long cacheBytesUsed() {
      return tree.cacheBytes();
    }

    @Override
    public int pendingUploads() {
      return 0;
    }

    @Override
    public void flush(Duration timeout) {}

    @Override
    public void close() {
      mount.close();
      try {
        tree.close();
      } catch (IOException e) {
        log.warn("nas.tree_close_failed error={}", e.toString());
      }
    }
  }
}
