package ca.eazybackup.e3.agent.vss;

import ca.eazybackup.e3.agent.engine.SourceAccess;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.shims.ShadowCopy;
import ca.eazybackup.e3.shims.ShadowCopyException;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.SourceFiles;
import ca.eazybackup.e3.shims.VssError;
import ca.eazybackup.e3.shims.WindowsHost;
import ca.eazybackup.e3.shims.WindowsPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VSS shadow copies of one backup: one per volume holding a source, made before the engine
 * starts and released when the run ends (also when it failed or was cancelled: the runtime closes
 * the session after the engine let go). Sources are read through {@link #access()}: inside the
 * shadow copy when there is one, else live with the host's share modes (a file another program
 * holds open fails there with ERROR_SHARING_VIOLATION and the engine skips it with a warning).
 *
 * <p>Only an elevated process may make shadow copies (the service runs as LocalSystem); a job's
 * {@link VssMode} decides what happens when there can be none: {@code always} fails the run with
 * VSS's reason; {@code when_available} reads the live files and says so ({@value #UNAVAILABLE}: a
 * warning when VSS failed, information when the agent may not use it, i.e. runs unelevated).
 * "Another shadow copy operation is already in progress" (another backup program) is retried until
 * the timeout.
 */
public final class VssSession implements AutoCloseable {
  public static final String CREATED = "VSS_SHADOW_CREATED";
  public static final String RELEASED = "VSS_SHADOW_RELEASED";
  public static final String UNAVAILABLE = "VSS_UNAVAILABLE";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  static final Duration BUSY_RETRY = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(VssSession.class);

  private final WindowsHost host;
  private final ShadowLedger ledger;
  private final ProgressReporter progress;
  private final List<ShadowCopy> shadows = new ArrayList<>();
  private final SourceFiles files;
  private boolean closed;

  private VssSession(WindowsHost host, ShadowLedger ledger, ProgressReporter progress) {
    this.host = host;
    this.ledger = ledger;
    this.progress = progress;
    this.files = host.sourceFiles();
  }

  /**
   * Makes the shadow copies {@code mode} asks for, of the volumes of {@code sources} (the addon's
   * paths: only local drives {@code X:\…} have volumes VSS can copy).
   *
   * @param exposeUnder where the copies' roots are exposed (the run's scratch folder)
   * @throws ShimException when {@code mode} is {@code always} and a copy cannot be made; nothing is
   *     left behind then
   */
  public static VssSession open(
      WindowsHost host,
      VssMode mode,
      List<String> sources,
      Path exposeUnder,
      ShadowLedger ledger,
      Duration timeout,
      ProgressReporter progress)
      throws ShimException {
    VssSession session = new VssSession(host, ledger, progress);
    if (mode == VssMode.NEVER) {
      return session;
    }
    Set<String> volumes = new LinkedHashSet<>();
    for (String source : sources) {
      WindowsPath parsed = parseOrNull(source);
      if (parsed != null && parsed.kind() == WindowsPath.Kind.DRIVE) {
        volumes.add(parsed.root());
      } else if (mode == VssMode.ALWAYS) {
        throw required(new ShadowCopyException(source, VssError.VOLUME_NOT_SUPPORTED));
      }
    }
    if (volumes.isEmpty()) {
      return session;
    }
    if (!host.elevation().isElevated()) {
      ShadowCopyException denied =
          new ShadowCopyException(String.join(", ", volumes), VssError.ACCESS_DENIED);
      if (mode == VssMode.ALWAYS) {
        throw required(denied);
      }
      // Not a failure: when_available means "when the agent may". Said once per run, at INFO; a
      // locked file then gets its own warning when it is skipped.
      session.note(String.join(", ", volumes), denied, EventLevel.INFO);
      return session;
    }
    try {
      for (String volume : volumes) {
        try {
          session.create(volume, exposeUnder, timeout);
        } catch (ShadowCopyException e) {
          if (mode == VssMode.ALWAYS) {
            throw required(e);
          }
          session.note(volume, e, EventLevel.WARN);
        }
      }
    } catch (ShimException | RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  /** How the engine reads the sources during this run. */
  public SourceAccess access() {
    List<ShadowCopy> made = List.copyOf(shadows);
    return new SourceAccess() {
      @Override
      public Path readRoot(Path source) {
        for (ShadowCopy s : made) {
          Path inside = s.translate(source);
          if (!inside.equals(source)) {
            return inside;
          }
        }
        return source;
      }

      @Override
      public InputStream open(Path file) throws IOException {
        return files.open(file);
      }
    };
  }

  /** The shadow copies made (for tests and the run log). */
  public List<ShadowCopy> shadows() {
    return List.copyOf(shadows);
  }

  private void create(String volume, Path exposeUnder, Duration timeout) throws ShimException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative() || left.isZero()) {
        throw new ShadowCopyException(volume, VssError.TIMEOUT);
      }
      ShadowLedger.Intent intent = intend(volume, left);
      try {
        ShadowCopy shadow;
        try {
          shadow = host.shadowCopies().create(volume, exposeUnder, left);
        } catch (ShadowCopyException e) {
          if (e.vssError() != VssError.TIMEOUT) {
            forget(intent); // VSS refused: no copy. After a timeout one may still appear.
          }
          throw e;
        }
        shadows.add(shadow);
        record(intent, shadow);
        LOG.info("vss.shadow_created volume={} id={}", volume, shadow.id());
        progress.event(
            CREATED,
            EventLevel.INFO,
            "Reading " + volume + " from shadow copy " + shadow.id(),
            Map.of("volume", volume, "shadow_id", shadow.id()));
        return;
      } catch (ShadowCopyException e) {
        if (e.vssError() != VssError.IN_PROGRESS) {
          throw e;
        }
        // Another program's snapshot holds VSS; it is usually done in seconds.
        Duration wait = BUSY_RETRY.compareTo(left) < 0 ? BUSY_RETRY : left;
        LOG.info("vss.busy volume={} retry_in_ms={}", volume, wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new ShimException("interrupted while waiting for VSS", ie);
        }
        if (System.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
    }
  }

  /**
   * Writes down, before VSS is asked, that a copy of {@code volume} is coming, so a kill before its
   * id is recorded still leaves the next start enough to find it (ShadowLedger).
   */
  private ShadowLedger.Intent intend(String volume, Duration timeout) throws ShimException {
    List<String> known;
    try {
      known = host.shadowCopies().list();
    } catch (ShadowCopyException e) {
      throw e;
    } catch (ShimException e) {
      // Without the list the next start could not tell our copy from older ones: make none.
      LOG.warn("vss.list_failed volume={} error={}", volume, e.getMessage());
      throw new ShadowCopyException(volume, VssError.PROVIDER_FAILURE);
    }
    try {
      return ledger.intend(volume, known, Instant.now(), timeout);
    } catch (IOException e) {
      // A copy the ledger cannot hold would outlive a kill unnoticed: make none.
      LOG.warn("vss.ledger_write_failed volume={} error={}", volume, e.toString());
      throw new ShadowCopyException(volume, VssError.UNKNOWN);
    }
  }

  private void forget(ShadowLedger.Intent intent) {
    try {
      ledger.abandon(intent);
    } catch (IOException e) {
      LOG.warn("vss.ledger_write_failed error={}", e.toString()); // the next start finds nothing
    }
  }

  private void record(ShadowLedger.Intent intent, ShadowCopy shadow) {
    try {
      ledger.made(intent, shadow.id());
    } catch (IOException e) {
      // The run goes on; the intent stays, so even a kill before the release is cleaned up.
      LOG.warn("vss.ledger_write_failed id={} error={}", shadow.id(), e.toString());
    }
  }

  private void note(String volume, ShadowCopyException e, EventLevel level) {
    LOG.info("vss.unavailable volume={} error={}", volume, e.vssError().name());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("volume", volume);
    params.put("vss_error", e.vssError().name());
    params.put("code", e.vssError().code());
    progress.event(
        UNAVAILABLE,
        level,
        "No shadow copy of "
            + volume
            + " ("
            + e.vssError().describe()
            + "); reading the live files, files other programs hold open are skipped",
        params);
  }

  private static ShimException required(ShadowCopyException e) {
    return new ShimException(
        "the job requires a shadow copy (vss_mode always): " + e.getMessage(), e);
  }

  private static WindowsPath parseOrNull(String source) {
    try {
      return WindowsPath.parse(source);
    } catch (ShimException e) {
      return null;
    }
  }

  /** Releases every shadow copy made; a failed release is logged, never fails the run. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ShadowCopy s : shadows) {
      try {
        host.shadowCopies().release(s);
        ledger.remove(s.id());
        LOG.info("vss.shadow_released volume={} id={}", s.volume(), s.id());
        progress.event(
            RELEASED,
            EventLevel.INFO,
            "Shadow copy of " + s.volume() + " released",
            Map.of("volume", s.volume(), "shadow_id", s.id()));
      } catch (ShimException | IOException | RuntimeException e) {
        // Left in the ledger: the next start deletes it.
        LOG.warn("vss.release_failed id={} error={}", s.id(), e.toString());
      }
    }
  }
}
