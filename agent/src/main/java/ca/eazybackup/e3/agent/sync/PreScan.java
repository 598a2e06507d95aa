package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.progress.ProgressReporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Counts what the run will cover, on its own thread, so totals (and an ETA) appear while uploads
 * are already running; it never holds up the transfer. Reports in batches to keep the reporter
 * calm.
 */
final class PreScan {
  private static final int BATCH_FILES = 500;
  private static final long BATCH_NANOS = 250_000_000L;

  private PreScan() {}

  static Thread start(
      List<SourceRoot> roots, PathFilter filter, ProgressReporter progress, BooleanSupplier stop) {
    Thread t =
        new Thread(
            () -> {
              progress.scanStarted();
              LocalWalk walk = new LocalWalk(roots, filter, new Quiet());
              long files = 0;
              long bytes = 0;
              long lastReport = System.nanoTime();
              while (walk.hasNext()) {
                if (stop.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                  return;
                }
                LocalFile f = walk.next();
                files++;
                bytes += f.size();
                if (files >= BATCH_FILES || System.nanoTime() - lastReport > BATCH_NANOS) {
                  progress.scanFound(files, bytes);
                  files = 0;
                  bytes = 0;
                  lastReport = System.nanoTime();
                }
              }
              progress.scanFound(files, bytes);
              progress.scanFinished();
            },
            "sync-prescan");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The main walk reports problems; the pre-scan would only repeat them. */
  private static final class Quiet implements LocalWalk.Problems {
    @Override
    public void unreadable(Path path, String relativePath, IOException cause) {}

    @Override
    public void symlinkSkipped(Path path) {}
  }
}
