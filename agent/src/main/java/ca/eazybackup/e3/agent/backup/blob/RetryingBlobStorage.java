package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries failed storage calls with jittered exponential backoff for a window of minutes, so a 503
 * SlowDown storm or a connection reset does not fail a backup. A missing blob and errors marked not
 * retriable fail at once. Listing is retried as a whole (callbacks may see an entry twice).
 */
public final class RetryingBlobStorage implements BlobStorage {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingBlobStorage.class);

  /** How long to keep trying and how to space attempts. */
  public record Policy(Duration initialDelay, Duration maxDelay, Duration window) {
    public static Policy defaults() {
      return new Policy(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMinutes(5));
    }
  }

  private final BlobStorage inner;
  private final Policy policy;
  private final Sleeper sleeper;
  private final java.util.function.LongSupplier nanoClock;

  public RetryingBlobStorage(BlobStorage inner, Policy policy) {
    this(inner, policy, Sleeper.REAL, System::nanoTime);
  }

  public RetryingBlobStorage(
      BlobStorage inner,
      Policy policy,
      Sleeper sleeper,
      java.util.function.LongSupplier nanoClock) {
    this.inner = inner;
    this.policy = policy;
    this.sleeper = sleeper;
    this.nanoClock = nanoClock;
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T retry(String what, Call<T> call) throws IOException {
    long start = nanoClock.getAsLong();
    long delay = policy.initialDelay().toNanos();
    int attempt = 1;
    while (true) {
      try {
        return call.run();
      } catch (BlobNotFoundException e) {
        throw e;
      } catch (IOException e) {
        if (e instanceof BlobStorageException bse && !bse.retriable()) {
          throw e;
        }
        long elapsed = nanoClock.getAsLong() - start;
        if (elapsed + delay > policy.window().toNanos()) {
          throw new BlobStorageException(
              what
                  + " failed after "
                  + attempt
                  + " attempts over "
                  + Duration.ofNanos(elapsed).toSeconds()
                  + " s: "
                  + e.getMessage(),
              e,
              false);
        }
        long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        LOG.warn(
            "event=blob_retry op=\"{}\" attempt={} delayMs={} error=\"{}\"",
            what,
            attempt,
            jittered / 1_000_000,
            e.getMessage());
        try {
          sleeper.sleep(Duration.ofNanos(jittered));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          InterruptedIOException iio =
              new InterruptedIOException(what + " interrupted while backing off");
          iio.initCause(e);
          throw iio;
        }
        delay = Math.min(delay * 2, policy.maxDelay().toNanos());
        attempt++;
      }
    }
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    return retry("get " + blobId, () -> inner.get(blobId, offset, length));
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    retry(
        "put " + blobId,
        () -> {
          inner.put(blobId, data);
          return null;
        });
  }

  @Override
  public void delete(String blobId) throws IOException {
    retry(
        "delete " + blobId,
        () -> {
          inner.delete(blobId);
          return null;
        });
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    retry(
        "list " + prefix,
        () -> {
          inner.list(prefix, each);
          return null;
        });
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    return retry("stat " + blobId, () -> inner.stat(blobId));
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
