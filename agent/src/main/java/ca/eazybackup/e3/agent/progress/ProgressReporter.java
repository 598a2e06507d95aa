package ca.eazybackup.e3.agent.progress;

import java.util.Map;

/**
 * The one reporter for every long operation. Engines call it from any thread; the runtime's
 * implementation rate-limits {@code agent_update_run} (at most 1/s, and a heartbeat at least every
 * 60 s) and queues events for {@code agent_push_events}.
 *
 * <p>Pre-scan calls ({@code scan*}) may run concurrently with the transfer calls: totals grow while
 * the upload is already under way.
 */
public interface ProgressReporter {

  void scanStarted();

  /** Adds files/bytes found by the pre-scan to the totals. */
  void scanFound(long files, long bytes);

  void scanFinished();

  /** The item now being worked on (shown as current item). */
  void itemStarted(String path);

  /** Adds transferred (or restored, or hashed) bytes. */
  void bytesDone(long delta);

  /** One more file done. */
  void itemDone(String path);

  /** A file skipped with a warning (unreadable, locked, changed while read); counted in stats. */
  void itemSkipped(String path, String reason);

  /** Pushes a structured event ({@code code} e.g. {@code SYNC_FILE_SKIPPED}). */
  void event(String code, EventLevel level, String message, Map<String, Object> params);

  /** A copy of the counters now. */
  ProgressSnapshot snapshot();
}
