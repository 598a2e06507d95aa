package ca.eazybackup.e3.agent.nas.vfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3 object's body that survives a connection reset or a body cut short mid-download. The S3
 * client retries a GET only until its answer starts; after that a reset or a truncated body reaches
 * the WebDAV client as a failed read (a 500 for a small file). Here the download is reopened at the
 * byte where it broke, pinned to the first answer's ETag so that an object replaced meanwhile fails
 * the read instead of splicing two versions, at most {@link #MAX_RESUMES} times per stream.
 */
final class ResumingObjectStream extends InputStream {
  static final int MAX_RESUMES = 5;
  private static final Logger log = LoggerFactory.getLogger(ResumingObjectStream.class);

  /**
   * Opens {@code [offset, offset+length)} of the object ({@code length < 0}: to its end), answered
   * only if its ETag is still {@code etag}.
   */
  interface Reopen {
    Opened open(long offset, long length, String etag) throws IOException;
  }

  /** A reopened answer: its body, its Content-Length (-1 if none) and its ETag (null if none). */
  record Opened(InputStream body, long length, String etag) {}

  private final Reopen reopen;
  private final String key;
  private final long start;
  private long expected;
  private String etag;
  private InputStream in;
  private long received;
  private int resumes;

  /**
   * @param first the first answer's body
   * @param start the offset the first answer began at
   * @param expected the first answer's Content-Length: the bytes this stream must deliver; -1 when
   *     the answer was chunked (no length): then only a failed read is resumed, to the end
   */
  ResumingObjectStream(
      InputStream first, String key, long start, long expected, String etag, Reopen reopen) {
    this.in = first;
    this.key = key;
    this.start = start;
    this.expected = expected;
    this.etag = etag;
    this.reopen = reopen;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (expected >= 0 && received >= expected) {
          return -1; // every byte is in: a failure after the last one loses nothing
        }
        resume(e.toString());
        continue;
      }
      if (n < 0) {
        if (expected >= 0 && received < expected) {
          resume("body ended after " + received + " of " + expected + " bytes");
          continue;
        }
        return -1;
      }
      received += n;
      return n;
    }
  }

  private void resume(String why) throws IOException {
    // Without an ETag only a download that has delivered nothing yet may start again: resuming
    // mid-body could splice two versions of the object.
    if (resumes >= MAX_RESUMES || (etag == null && received > 0)) {
      throw new IOException(
          "S3 download of '" + key + "' broke at byte " + (start + received) + ": " + why);
    }
    resumes++;
    log.warn(
        "event=nas_download_resumed key={} at={} attempt={} cause=\"{}\"",
        key,
        start + received,
        resumes,
        why);
    closeQuietly();
    Opened again = reopen.open(start + received, expected < 0 ? -1 : expected - received, etag);
    in = again.body();
    if (received == 0) {
      // a fresh start (a broken first answer may have carried neither length nor ETag)
      expected = again.length();
      etag = again.etag();
    }
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException | RuntimeException ignored) {
      // the broken connection is dropped; a new one is opened
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
