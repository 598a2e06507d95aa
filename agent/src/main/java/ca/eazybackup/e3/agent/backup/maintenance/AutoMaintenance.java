package ca.eazybackup.e3.agent.backup.maintenance;

import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestEntry;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance on Kopia's schedule, run after a snapshot as {@code kopia snapshot create} does, so a
 * repository stays healthy without anyone asking:
 *
 * <ul>
 *   <li>Only the repository's maintenance owner runs it: the {@code user@host} in the manifest
 *       labelled {@code type=maintenance} (Kopia's maintenance params). A repository without one is
 *       claimed by the first agent that gets here; when two claim at once, every agent reads back
 *       the oldest claim and only its owner goes on. So two agents backing up into one repository
 *       never run maintenance at the same time.
 *   <li>Quick maintenance every hour and full every 24 hours (Kopia's defaults, or the intervals in
 *       the params manifest), due times and the last runs kept in the {@code kopia.maintenance}
 *       blob as Kopia keeps them. The next due time is written before the run starts, so a run that
 *       dies is not retried in a loop by every backup. A repository's first full run is due a full
 *       interval after its first quick one (Kopia runs it at once; see docs/decisions.md).
 * </ul>
 */
public final class AutoMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(AutoMaintenance.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration QUICK_INTERVAL = Duration.ofHours(1);
  static final Duration FULL_INTERVAL = Duration.ofHours(24);
  static final String NEXT_QUICK = "nextQuickMaintenance";
  static final String NEXT_FULL = "nextFullMaintenance";

  /** Task names in the schedule's run history: Kopia's, for what our runs do. */
  static final String QUICK_TASK = "quick-maintenance";

  static final String FULL_TASK = "snapshot-gc";

  /** What the check decided and, when it ran, what maintenance did. */
  public record Outcome(String decision, String owner, MaintenanceReport report) {
    public boolean ran() {
      return report != null;
    }
  }

  private final Repository repo;
  private final Clock clock;
  private final Path stateDir;
  private final Cancellation cancel;
  private final String identity;

  /**
   * @param identity this agent as Kopia names a client: {@code user@host}
   */
  public AutoMaintenance(
      Repository repo, Clock clock, Path stateDir, Cancellation cancel, String identity) {
    this.repo = repo;
    this.clock = clock;
    this.stateDir = stateDir;
    this.cancel = cancel;
    this.identity = identity;
  }

  /** Runs quick or full maintenance when due and this agent is the owner. */
  public Outcome runIfDue() throws IOException, RunCancelledException {
    ManifestStore manifests = new ManifestStore(repo.contents(), clock);
    ManifestEntry params = ownerParams(manifests);
    String owner = params.data().path("owner").asText("");
    if (!owner.equals(identity)) {
      return new Outcome("maintenance is owned by " + owner, owner, null);
    }
    ScheduleBlob schedule = ScheduleBlob.read(repo);
    Instant now = clock.instant();
    MaintenanceMode mode = null;
    // A repository never maintained gets its first full run a full interval from now, not at
    // once: its first backup should not pay for a walk of every snapshot it just wrote.
    boolean fullScheduled = !schedule.time(NEXT_FULL).equals(Instant.EPOCH);
    if (enabled(params, "full") && fullScheduled && !now.isBefore(schedule.time(NEXT_FULL))) {
      mode = MaintenanceMode.FULL;
    } else if (enabled(params, "quick") && !now.isBefore(schedule.time(NEXT_QUICK))) {
      mode = MaintenanceMode.QUICK;
    }
    if (mode == null) {
      return new Outcome("not due (next quick " + schedule.time(NEXT_QUICK) + ")", owner, null);
    }
    // Full maintenance does everything quick does: both clocks restart.
    schedule.setTime(NEXT_QUICK, now.plus(interval(params, "quick", QUICK_INTERVAL)));
    if (mode == MaintenanceMode.FULL) {
      schedule.setTime(NEXT_FULL, now.plus(interval(params, "full", FULL_INTERVAL)));
    } else if (!fullScheduled) {
      schedule.setTime(NEXT_FULL, now.plus(interval(params, "full", FULL_INTERVAL)));
    }
    schedule.write(repo.storage());
    String task = mode == MaintenanceMode.FULL ? FULL_TASK : QUICK_TASK;
    LOG.info("event=auto_maintenance_starting mode={} owner={}", mode, owner);
    try {
      MaintenanceReport report =
          new Maintenance(repo, clock, stateDir, cancel).run(mode, null, null);
      if (mode == MaintenanceMode.FULL) {
        ObjectLocks.extend(repo); // Kopia's "extend object locks" step of full maintenance
      }
      schedule.addRun(task, now, clock.instant(), true, null);
      schedule.write(repo.storage());
      return new Outcome("ran " + report.mode(), owner, report);
    } catch (IOException | RuntimeException e) {
      schedule.addRun(task, now, clock.instant(), false, e.getMessage());
      schedule.write(repo.storage());
      throw e;
    }
  }

  /**
   * The maintenance params manifest, written with this agent as owner when the repository has none.
   * Of several (two agents claimed at once), the oldest wins, on every agent alike.
   */
  private ManifestEntry ownerParams(ManifestStore manifests) throws IOException {
    Map<String, String> labels = Map.of("type", "maintenance");
    List<ManifestEntry> found = manifests.find(labels);
    if (found.isEmpty()) {
      manifests.put(labels, defaults());
      repo.contents().flush();
      manifests.reload();
      found = manifests.find(labels);
    }
    return found.stream()
        .min(Comparator.comparing(ManifestEntry::modified).thenComparing(ManifestEntry::id))
        .orElseThrow();
  }

  private ObjectNode defaults() {
    ObjectNode n = JSON.createObjectNode();
    n.put("owner", identity);
    n.putObject("quick").put("enabled", true).put("interval", QUICK_INTERVAL.toNanos());
    n.putObject("full").put("enabled", true).put("interval", FULL_INTERVAL.toNanos());
    n.putObject("logRetention")
        .put("maxTotalSize", 1L << 30)
        .put("maxCount", 10000)
        .put("maxAge", Duration.ofDays(30).toNanos());
    return n;
  }

  private static boolean enabled(ManifestEntry params, String which) {
    return params.data().path(which).path("enabled").asBoolean(true);
  }

  private static Duration interval(ManifestEntry params, String which, Duration fallback) {
    JsonNode v = params.data().path(which).path("interval");
    return v.canConvertToLong() && v.asLong() > 0 ? Duration.ofNanos(v.asLong()) : fallback;
  }
}
