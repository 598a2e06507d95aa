package ca.eazybackup.e3.agent.nas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The small filesystem a {@link NasServer} serves over WebDAV: an S3 bucket with its caches, or a
 * read-only snapshot tree (Time Machine), which implements only the first four methods.
 *
 * <p>Paths are relative, {@code /}-separated, without leading or trailing slash; {@code ""} is the
 * root. The server hands over only normalised paths (no empty, {@code .} or {@code ..} segments).
 * Failures use {@code java.nio.file}'s exceptions, which the server maps to HTTP statuses: {@link
 * java.nio.file.NoSuchFileException} 404 (409 for a missing parent), {@link
 * java.nio.file.FileAlreadyExistsException} 405/412, {@link java.nio.file.NotDirectoryException}
 * 409, {@link AccessDeniedException} 403; any other {@link IOException} 500 or 502.
 */
public interface NasFileSystem extends AutoCloseable {

  /** The entry at {@code path}, or {@code null} when nothing is there. */
  NasEntry stat(String path) throws IOException;

  /** The children of the folder at {@code path}, sorted by name. */
  List<NasEntry> list(String path) throws IOException;

  /**
   * Reads bytes {@code [offset, offset + length)} of the file at {@code path}; {@code length < 0}
   * reads to the end. The caller closes the stream.
   */
  InputStream read(String path, long offset, long length) throws IOException;

  /** Whether every write below refuses; the server then answers writes 403 without asking. */
  default boolean isReadOnly() {
    return true;
  }

  /** Used and available bytes for WebDAV's quota properties (Explorer's free-space bar). */
  default Space space() {
    return Space.UNKNOWN;
  }

  /**
   * Creates or replaces the file at {@code path} with {@code length} bytes of {@code data} ({@code
   * length < 0}: until the end of the stream). Returns once the data is durable: in S3, or fsync'd
   * in the cache and queued for upload, depending on the cache mode.
   */
  default NasEntry write(String path, InputStream data, long length) throws IOException {
    throw readOnly(path);
  }

  /**
   * Replaces bytes from {@code offset} of an existing file with {@code length} bytes of {@code
   * data} (a WebDAV partial PUT); may extend the file.
   */
  default NasEntry writeRange(String path, long offset, InputStream data, long length)
      throws IOException {
    throw readOnly(path);
  }

  /** Creates a folder; its parent must exist. */
  default void mkdir(String path) throws IOException {
    throw readOnly(path);
  }

  /** Deletes a file, or a folder with everything in it. */
  default void delete(String path) throws IOException {
    throw readOnly(path);
  }

  /** Moves a file or folder to {@code to}, which must not exist (the caller deletes it first). */
  default void move(String from, String to) throws IOException {
    throw readOnly(from);
  }

  /**
   * Copies a file, or a folder: with everything in it when {@code recursive}, else only the folder
   * itself (WebDAV's {@code Depth: 0}). {@code to} must not exist.
   */
  default void copy(String from, String to, boolean recursive) throws IOException {
    throw readOnly(from);
  }

  /** Sets a file's or folder's times (Explorer's Win32 PROPPATCH); {@code null} leaves one. */
  default void setTimes(String path, Instant modified, Instant created) throws IOException {
    throw readOnly(path);
  }

  /** Waits until every acknowledged write is in its final store. */
  default void flush(Duration timeout) throws IOException {}

  /** Files acknowledged but not yet in their final store. */
  default int pendingWrites() {
    return 0;
  }

  /** Bytes held in a local cache. */
  default long cacheBytes() {
    return 0;
  }

  @Override
  default void close() throws IOException {}

  private static AccessDeniedException readOnly(String path) {
    return new AccessDeniedException("/" + path, null, "read-only volume");
  }

  /**
   * Quota figures; {@code -1} when unknown.
   *
   * @param usedBytes bytes stored
   * @param availableBytes bytes that may still be stored
   */
  record Space(long usedBytes, long availableBytes) {
    public static final Space UNKNOWN = new Space(-1, -1);
  }
}
