package ca.eazybackup.e3.agent.backup.testing;

import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.progress.ProgressSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A progress reporter that counts and records, for assertions. */
public final class RecordingProgress implements ProgressReporter {
  public final AtomicLong bytes = new AtomicLong();
  public final AtomicLong filesDone = new AtomicLong();
  public final AtomicLong skipped = new AtomicLong();
  public final AtomicLong scanFiles = new AtomicLong();
  public final List<String> events = new CopyOnWriteArrayList<>();

  /** Called with the running count after each finished item (tests cancel from here). */
  public volatile java.util.function.LongConsumer onItemDone = n -> {};

  @Override
  public void scanStarted() {}

  @Override
  public void scanFound(long files, long bytes) {
    scanFiles.addAndGet(files);
  }

  @Override
  public void scanFinished() {}

  @Override
  public void itemStarted(String path) {}

  @Override
  public void bytesDone(long delta) {
    bytes.addAndGet(delta);
  }

  @Override
  public void itemDone(String path) {
    onItemDone.accept(filesDone.incrementAndGet());
  }

  @Override
  public void itemSkipped(String path, String reason) {
    skipped.incrementAndGet();
  }

  @Override
  public void event(String code, EventLevel level, String message, Map<String, Object> params) {
    events.add(code);
  }

  @Override
  public ProgressSnapshot snapshot() {
    return new ProgressSnapshot(
        0, 0, false, filesDone.get(), bytes.get(), skipped.get(), 0, -1, null);
  }
}
