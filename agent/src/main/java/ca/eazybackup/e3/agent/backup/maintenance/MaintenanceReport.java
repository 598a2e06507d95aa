package ca.eazybackup.e3.agent.backup.maintenance;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a maintenance run did. */
public record MaintenanceReport(
    String mode,
    int snapshotsExpired,
    long contentsMarkedDeleted,
    long reachableContents,
    long packsDeleted,
    long packCandidates,
    boolean packDeletionSkipped) {

  public String summary() {
    return mode
        + " maintenance: "
        + snapshotsExpired
        + " snapshots expired, "
        + contentsMarkedDeleted
        + " unreachable contents marked deleted, "
        + packsDeleted
        + " unreferenced packs deleted"
        + (packDeletionSkipped
            ? " (pack deletion skipped: reachable contents are marked deleted)"
            : "");
  }

  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode);
    m.put("snapshots_expired", snapshotsExpired);
    m.put("contents_marked_deleted", contentsMarkedDeleted);
    m.put("reachable_contents", reachableContents);
    m.put("packs_deleted", packsDeleted);
    m.put("pack_candidates", packCandidates);
    return m;
  }
}
