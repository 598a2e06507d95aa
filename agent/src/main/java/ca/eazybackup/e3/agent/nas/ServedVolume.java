package ca.eazybackup.e3.agent.nas;

import java.net.URI;
import java.time.Duration;

/** One bucket (or snapshot tree) being served over WebDAV; see {@link NasServer}. */
public interface ServedVolume extends AutoCloseable {
  /**
   * {@code http://127.0.0.1:PORT/<capability>/}: the only address that reaches this volume, the one
   * the drive mapping gets. The capability is 128 random bits; requests without it get 404.
   */
  URI url();

  /** Bytes the volume's cache folder holds now (clean and pending data). */
  long cacheBytesUsed();

  /** Files acknowledged to a client and not yet uploaded to S3. */
  int pendingUploads();

  /**
   * Waits until every upload pending now has reached S3.
   *
   * @throws NasException when {@code timeout} passed first; nothing is lost, the uploads go on
   */
  void flush(Duration timeout) throws NasException;

  /**
   * Stops serving (new requests get 404) and waits up to 30 s for pending uploads; what is still
   * pending then stays in the cache folder and is uploaded by the next {@link
   * NasServer#serveBucket} or {@link NasServer#resumePending} on that folder.
   */
  @Override
  void close();
}
