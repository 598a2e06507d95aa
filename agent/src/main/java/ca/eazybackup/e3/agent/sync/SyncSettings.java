package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.s3.S3Target;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Everything a sync run reads from the job, in one value (the one policy object every part of the
 * run consults). {@code policy_json} keys the sync engine understands:
 *
 * <table>
 *   <caption>policy_json keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>mirror</td><td>false</td><td>delete objects under dest_prefix whose file is gone
 *       (rclone sync); false keeps them (rclone copy)</td></tr>
 *   <tr><td>checksum</td><td>false</td><td>compare by size + MD5 instead of size + mtime
 *       (reads every file with an equal size)</td></tr>
 *   <tr><td>multipart_cutoff_mib</td><td>16</td><td>files larger than this use multipart</td></tr>
 *   <tr><td>multipart_part_size_mib</td><td>8</td><td>part size, at least 5; grown so that no
 *       object needs more than 10,000 parts</td></tr>
 *   <tr><td>fast_list</td><td>false</td><td>list the destination flat, 1,000 keys a request
 *       (rclone --fast-list); default lists one folder per request, which file-backed servers
 *       answer much faster</td></tr>
 *   <tr><td>file_retries</td><td>3</td><td>attempts per file (on top of the S3 client's own
 *       request retries)</td></tr>
 * </table>
 */
record SyncSettings(
    S3Target target,
    String bucket,
    String prefix,
    boolean bucketAutoCreate,
    List<String> sources,
    PathFilter filter,
    boolean mirror,
    boolean checksum,
    long multipartCutoff,
    long partSize,
    int parallelism,
    long uploadBytesPerSec,
    long localReadBytesPerSec,
    int fileAttempts,
    boolean fastList) {

  static final long MIB = 1024L * 1024L;
  static final long MIN_PART_SIZE = 5 * MIB;
  static final int MAX_PARTS = 10_000;
  static final int DEFAULT_PARALLELISM = 8;

  static SyncSettings from(RunAssignment job) {
    if (job.destBucket() == null || job.destBucket().isBlank()) {
      throw new SyncException("the job has no dest_bucket: set a bucket for the sync destination");
    }
    JsonNode policy = job.policy();
    // Both are held in memory per transfer, so they are capped well below Java's array limit.
    long partSize = clamp(mib(policy, "multipart_part_size_mib", 8), MIN_PART_SIZE, 512 * MIB);
    long cutoff = clamp(mib(policy, "multipart_cutoff_mib", 16), MIN_PART_SIZE, 512 * MIB);
    int parallelism = job.parallelism() > 0 ? Math.min(job.parallelism(), 64) : DEFAULT_PARALLELISM;
    return new SyncSettings(
        new S3Target(
            job.destEndpoint(), job.destRegion(), job.destAccessKey(), job.destSecretKey()),
        job.destBucket().strip(),
        normalizePrefix(job.destPrefix()),
        job.bucketAutoCreate(),
        job.sources(),
        PathFilter.of(job.localIncludeGlob(), job.localExcludeGlob()),
        bool(policy, "mirror"),
        bool(policy, "checksum"),
        cutoff,
        partSize,
        parallelism,
        Math.max(0, job.bandwidthLimitKbps()) * 1024L,
        Math.max(0, job.localBandwidthLimitKbps()) * 1024L,
        (int) Math.max(1, Math.min(10, longValue(policy, "file_retries", 3))),
        bool(policy, "fast_list"));
  }

  /** {@code a/b/} for {@code /a//b}, empty for no prefix. */
  static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String part : prefix.replace('\\', '/').split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new SyncException("dest_prefix '" + prefix + "' contains '..': use a plain path");
      }
      out.append(part).append('/');
    }
    return out.toString();
  }

  /**
   * Part size for a file of {@code size} bytes: the configured size, grown to stay ≤ 10,000 parts.
   */
  long partSizeFor(long size) {
    long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
    long rounded = ((needed + MIB - 1) / MIB) * MIB;
    return Math.max(partSize, rounded);
  }

  private static long clamp(long v, long min, long max) {
    return Math.max(min, Math.min(max, v));
  }

  private static boolean bool(JsonNode policy, String key) {
    return policy != null && policy.path(key).asBoolean(false);
  }

  private static long mib(JsonNode policy, String key, long defaultMib) {
    return longValue(policy, key, defaultMib) * MIB;
  }

  private static long longValue(JsonNode policy, String key, long dflt) {
    if (policy == null || !policy.hasNonNull(key)) {
      return dflt;
    }
    long value = policy.path(key).asLong(dflt);
    return value > 0 ? value : dflt;
  }
}
