package ca.eazybackup.e3.agent.timemachine;

import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.diff.Change;
import ca.eazybackup.e3.agent.backup.snapshot.diff.DiffTotals;
import ca.eazybackup.e3.agent.backup.snapshot.diff.SnapshotDiff;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Time Machine's compare: the structured diff of two snapshots as JSON, the {@code result} the
 * agent reports for {@code snapshot_diff} and {@code snapshot diff --json} prints. Changes beyond
 * {@code maxChanges} are counted in the totals but not listed ({@code truncated}).
 */
public final class SnapshotComparison {
  /** Changes listed in a report to the addon; the totals count them all. */
  public static final int REPORTED_CHANGES = 1000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SnapshotComparison() {}

  public static ObjectNode compare(
      SnapshotRepository repo, String fromId, String toId, int maxChanges) throws IOException {
    SnapshotManifest from = repo.snapshot(fromId);
    SnapshotManifest to = repo.snapshot(toId);
    ObjectNode result = JSON.objectNode();
    result.put("from", from.id());
    result.put("to", to.id());
    ArrayNode changes = result.putArray("changes");
    long[] listed = {0};
    DiffTotals t =
        SnapshotDiff.compare(
            repo.objects(),
            from.rootEntry(),
            to.rootEntry(),
            c -> {
              if (listed[0]++ < maxChanges) {
                changes.add(toJson(c));
              }
            });
    result.put("truncated", listed[0] > maxChanges);
    ObjectNode totals = result.putObject("totals");
    totals.put("added_files", t.addedFiles());
    totals.put("added_bytes", t.addedBytes());
    totals.put("removed_files", t.removedFiles());
    totals.put("removed_bytes", t.removedBytes());
    totals.put("modified_files", t.modifiedFiles());
    totals.put("modified_old_bytes", t.modifiedOldBytes());
    totals.put("modified_new_bytes", t.modifiedNewBytes());
    totals.put("added_folders", t.addedFolders());
    totals.put("removed_folders", t.removedFolders());
    totals.put("changes", listed[0]);
    return result;
  }

  private static ObjectNode toJson(Change c) {
    ObjectNode n = JSON.objectNode();
    n.put("path", c.path());
    n.put("kind", c.kind().wireName());
    n.put("type", c.isFolder() ? "dir" : "s".equals(c.type()) ? "symlink" : "file");
    n.put("old_size", c.oldSize());
    n.put("new_size", c.newSize());
    if (c.isFolder()) {
      n.put("files", c.files());
    }
    time(n, "old_modified", c.oldModified());
    time(n, "new_modified", c.newModified());
    return n;
  }

  private static void time(ObjectNode n, String field, Instant t) {
    if (t == null) {
      n.putNull(field);
    } else {
      n.put(field, t.truncatedTo(ChronoUnit.SECONDS).toString());
    }
  }
}
