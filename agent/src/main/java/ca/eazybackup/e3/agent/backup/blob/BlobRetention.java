package ca.eazybackup.e3.agent.backup.blob;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * S3 Object Lock retention for repository blobs, as Kopia's {@code repo/blob} {@code
 * RetentionMode}/{@code RetentionPeriod} (kept in {@code kopia.blobcfg}): a blob written with it
 * cannot be deleted or overwritten, by version, until {@code now + period}. {@code GOVERNANCE} lets
 * a principal with {@code s3:BypassGovernanceRetention} remove it early; {@code COMPLIANCE} lets
 * nobody.
 */
public record BlobRetention(String mode, Duration period) {
  /** Kopia refuses shorter periods: full maintenance must extend the lock before it lapses. */
  public static final Duration MIN_PERIOD = Duration.ofHours(24);

  public BlobRetention {
    mode = mode == null ? "" : mode.trim().toUpperCase(Locale.ROOT);
    if (!mode.equals("GOVERNANCE") && !mode.equals("COMPLIANCE")) {
      throw new IllegalArgumentException(
          "object lock mode must be GOVERNANCE or COMPLIANCE, got '" + mode + "'");
    }
    if (period == null || period.compareTo(MIN_PERIOD) < 0) {
      throw new IllegalArgumentException(
          "object lock period must be at least 24 hours, got " + period);
    }
  }

  /** The instant a blob written or extended at {@code now} stays locked until. */
  public Instant retainUntil(Instant now) {
    return now.plus(period);
  }

  /**
   * The blobs Kopia locks (repo.GetLockingStoragePrefixes): packs ({@code p}, {@code q}), index
   * blobs ({@code n}, every {@code x} epoch blob), {@code kopia.repository} and {@code
   * kopia.blobcfg}. Session markers, logs and the maintenance schedule stay deletable.
   */
  public static boolean isLocked(String blobId) {
    return blobId.startsWith("p")
        || blobId.startsWith("q")
        || blobId.startsWith("n")
        || blobId.startsWith("x")
        || blobId.equals("kopia.repository")
        || blobId.equals("kopia.blobcfg");
  }
}
