package ca.eazybackup.e3.agent.backup.index;

/**
 * Which of two entries for one content wins (kopia repo/content/index/merged.go
 * contentInfoGreaterThan).
 */
public final class IndexMerge {
  private IndexMerge() {}

  /** Newer timestamp wins; on a tie a live entry beats a deletion; then the larger pack id. */
  public static ContentInfo winner(ContentInfo a, ContentInfo b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    int t = Long.compare(a.timestamp().getEpochSecond(), b.timestamp().getEpochSecond());
    if (t != 0) {
      return t > 0 ? a : b;
    }
    if (a.deleted() != b.deleted()) {
      return a.deleted() ? b : a;
    }
    return a.packBlobId().compareTo(b.packBlobId()) >= 0 ? a : b;
  }
}
