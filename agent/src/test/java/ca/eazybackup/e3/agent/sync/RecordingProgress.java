package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.progress.ProgressSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A reporter that remembers everything, for assertions. */
final class RecordingProgress implements ProgressReporter {
  record Event(String code, EventLevel level, String message, Map<String, Object> params) {}

  final AtomicLong filesTotal = new AtomicLong();
  final AtomicLong bytesTotal = new AtomicLong();
  final AtomicLong filesDone = new AtomicLong();
  final AtomicLong bytesDone = new AtomicLong();
  final AtomicLong filesSkipped = new AtomicLong();
  volatile boolean scanFinished;
  final List<Event> events = new CopyOnWriteArrayList<>();
  final List<String> skipped = new CopyOnWriteArrayList<>();

  @Override
  public void scanStarted() {}

  @Override
  public void scanFound(long files, long bytes) {
    filesTotal.addAndGet(files);
    bytesTotal.addAndGet(bytes);
  }

  @Override
  public void scanFinished() {
    scanFinished = true;
  }

  @Override
  public void itemStarted(String path) {}

  @Override
  public void bytesDone(long delta) {
    bytesDone.addAndGet(delta);
  }

  @Override
  public void itemDone(String path) {
    filesDone.incrementAndGet();
  }

  @Override
  public void itemSkipped(String path, String reason) {
    filesSkipped.incrementAndGet();
    skipped.add(path);
  }

  @Override
  public void event(String code, EventLevel level, String message, Map<String, Object> params) {
    events.add(new Event(code, level, message, params));
  }

  List<String> eventCodes() {
    return events.stream().map(Event::code).toList();
  }

  @Override
  public ProgressSnapshot snapshot() {
    return new ProgressSnapshot(
        filesTotal.get(),
        bytesTotal.get(),
        scanFinished,
        filesDone.get(),
        bytesDone.get(),
        filesSkipped.get(),
        0,
        -1,
        null);
  }
}
