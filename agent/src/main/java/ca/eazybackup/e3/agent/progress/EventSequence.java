package ca.eazybackup.e3.agent.progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-run event {@code seq}. The addon drops an event whose {@code (run_id, seq)} it already
 * has, so a restarted agent that reclaims its run must not start again at 1: the sequence reserves
 * blocks of numbers in {@code runs/run_<id>.seq} and a new process continues after the last
 * reserved block (a gap in the numbers is harmless, a reused number would lose an event).
 */
public final class EventSequence {
  private static final Logger log = LoggerFactory.getLogger(EventSequence.class);
  static final int BLOCK = 100;

  private final Path file;
  private long last;
  private long reservedUpTo;

  private EventSequence(Path file, long last) {
    this.file = file;
    this.last = last;
    this.reservedUpTo = last;
  }

  /** In-memory only (tests, operations without a run). */
  public static EventSequence inMemory() {
    return new EventSequence(null, 0);
  }

  /**
   * Continues the run's sequence stored in {@code file}, and after {@code atLeast} (the seq the
   * addon last saw, from {@code progress_json}).
   */
  public static EventSequence persistent(Path file, long atLeast) {
    long stored = 0;
    try {
      if (Files.exists(file)) {
        stored = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
      }
    } catch (IOException | NumberFormatException e) {
      log.warn("event_seq.unreadable file={} error={}", file, e.toString());
    }
    return new EventSequence(file, Math.max(stored, atLeast));
  }

  public synchronized long next() {
    last++;
    if (last > reservedUpTo) {
      reservedUpTo = last + BLOCK - 1;
      persist(reservedUpTo);
    }
    return last;
  }

  public synchronized long last() {
    return last;
  }

  private void persist(long value) {
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(value), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("event_seq.persist_failed file={} error={}", file, e.toString());
    }
  }

  /** Forgets the stored sequence once the run is over. */
  public void delete() {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.debug("event_seq.delete_failed file={} error={}", file, e.toString());
    }
  }
}
