package ca.eazybackup.e3.agent.backup.maintenance;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a maintenance run did. */
public record MaintenanceReport(
    String mode,
    int snapshotsExpired,
    long contentsMarkedDeleted,
    long contentsUndeleted,
    long reachableContents,
    long packsRewritten,
    long contentsRewritten,
    String deletionWatermark,
    long packsDeleted,
    long packCandidates,
    boolean packDeletionSkipped,
    int epochCompacted,
    boolean epochAdvanced,
    int indexBlobsCleanedUp) {

  static MaintenanceReport quick(int expired) {
    return new MaintenanceReport("quick", expired, 0, 0, 0, 0, 0, null, 0, 0, false, -1, false, 0);
  }

  public String summary() {
    return mode
        + " maintenance: "
        + snapshotsExpired
        + " snapshots expired, "
        + contentsMarkedDeleted
        + " unreachable contents marked deleted, "
        + (contentsUndeleted > 0 ? contentsUndeleted + " reachable contents undeleted, " : "")
        + contentsRewritten
        + " contents of "
        + packsRewritten
        + " short packs rewritten, "
        + packsDeleted
        + " unreferenced packs deleted"
        + (packDeletionSkipped
            ? " (pack deletion skipped: reachable contents are missing from the index)"
            : "");
  }

  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode);
    m.put("snapshots_expired", snapshotsExpired);
    m.put("contents_marked_deleted", contentsMarkedDeleted);
    m.put("contents_undeleted", contentsUndeleted);
    m.put("reachable_contents", reachableContents);
    m.put("packs_rewritten", packsRewritten);
    m.put("contents_rewritten", contentsRewritten);
    if (deletionWatermark != null) {
      m.put("deletion_watermark", deletionWatermark);
    }
    m.put("packs_deleted", packsDeleted);
    m.put("pack_candidates", packCandidates);
    m.put("epoch_compacted", epochCompacted);
    m.put("epoch_advanced", epochAdvanced);
    m.put("index_blobs_cleaned_up", indexBlobsCleanedUp);
    return m;
  }
}
