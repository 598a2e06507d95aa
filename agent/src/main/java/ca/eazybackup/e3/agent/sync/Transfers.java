package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.transfer.ThrottledInputStream;
import ca.eazybackup.e3.agent.transfer.TokenBucket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The shared plumbing of one run: worker pools, the two rate limits and how local files are opened.
 * One instance per run, so that the limits hold across all parallel transfers.
 */
final class Transfers {
  final Cancellation cancellation;
  final BooleanSupplier cancelled;
  final TokenBucket networkLimit;
  final TokenBucket localReadLimit;
  final FileOpener opener;
  final ExecutorService files;
  final ExecutorService parts;
  final ExecutorService listers;

  Transfers(SyncSettings settings, Cancellation cancellation, FileOpener opener, String name) {
    this(
        settings.parallelism(),
        settings.uploadBytesPerSec(),
        settings.localReadBytesPerSec(),
        cancellation,
        opener,
        name);
  }

  Transfers(
      int parallelism,
      long networkBytesPerSec,
      long localBytesPerSec,
      Cancellation cancellation,
      FileOpener opener,
      String name) {
    this.cancellation = cancellation;
    this.cancelled = cancellation::isCancelled;
    this.networkLimit = TokenBucket.of(networkBytesPerSec, cancelled);
    this.localReadLimit = TokenBucket.of(localBytesPerSec, cancelled);
    this.opener = opener;
    this.files = pool(parallelism, name + "-file");
    this.parts = pool(parallelism, name + "-part");
    this.listers = pool(4, name + "-list");
  }

  private static ExecutorService pool(int threads, String name) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        30,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Opens a source file through the opener, metered by the local read limit. */
  InputStream openLocal(Path path) throws IOException {
    return new ThrottledInputStream(opener.open(path), localReadLimit, cancelled);
  }

  /** Wraps an upload body so it is metered by the network limit and stops on cancel. */
  InputStream meterNetwork(InputStream in) {
    return new ThrottledInputStream(in, networkLimit, cancelled);
  }

  /** Stops the workers now (cancel) — interrupts blocked transfers. */
  void stopNow() {
    files.shutdownNow();
    parts.shutdownNow();
    listers.shutdownNow();
  }

  /** Waits for every queued task to finish; false if cancelled first. */
  boolean drain() throws InterruptedException {
    files.shutdown();
    while (!files.awaitTermination(200, TimeUnit.MILLISECONDS)) {
      if (cancelled.getAsBoolean()) {
        stopNow();
      }
    }
    parts.shutdown();
    while (!parts.awaitTermination(200, TimeUnit.MILLISECONDS)) {
      if (cancelled.getAsBoolean()) {
        stopNow();
      }
    }
    listers.shutdownNow(); // the listing is consumed by now; nothing useful is left there
    return !cancelled.getAsBoolean();
  }
}
