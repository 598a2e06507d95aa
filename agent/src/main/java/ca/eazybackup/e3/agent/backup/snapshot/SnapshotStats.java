package ca.eazybackup.e3.agent.backup.snapshot;

/** Kopia snapshot.Stats, field names as in its JSON. */
public record SnapshotStats(
    long totalSize,
    long excludedTotalSize,
    long fileCount,
    long cachedFiles,
    long nonCachedFiles,
    long dirCount,
    long excludedFileCount,
    long excludedDirCount,
    long ignoredErrorCount,
    long errorCount) {

  public static SnapshotStats empty() {
    return new SnapshotStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
