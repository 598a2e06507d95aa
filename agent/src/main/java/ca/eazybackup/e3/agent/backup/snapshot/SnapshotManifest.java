package ca.eazybackup.e3.agent.backup.snapshot;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * A snapshot (Kopia snapshot.Manifest). {@code id} is the manifest id once saved (written as "" in
 * the payload, as Kopia does). {@code incomplete} is null for a complete snapshot, else {@code
 * checkpoint}, {@code canceled} or {@code limit reached}.
 */
public record SnapshotManifest(
    String id,
    SourceInfo source,
    String description,
    OffsetDateTime startTime,
    OffsetDateTime endTime,
    SnapshotStats stats,
    String incomplete,
    DirEntry rootEntry,
    Map<String, String> tags,
    List<String> pins) {

  public static final String CHECKPOINT = "checkpoint";
  public static final String CANCELED = "canceled";

  public SnapshotManifest {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    pins = pins == null ? List.of() : List.copyOf(pins);
    description = description == null ? "" : description;
  }

  public boolean isComplete() {
    return incomplete == null || incomplete.isEmpty();
  }

  public SnapshotManifest withId(String newId) {
    return new SnapshotManifest(
        newId, source, description, startTime, endTime, stats, incomplete, rootEntry, tags, pins);
  }
}
