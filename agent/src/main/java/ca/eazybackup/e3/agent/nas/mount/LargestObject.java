package ca.eazybackup.e3.agent.nas.mount;

import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The largest object under a mount's prefix, to warn when WebClient's file-size limit would stop
 * Explorer from copying it. Looks at the first {@value #MAX_KEYS} keys only: a mount of a huge
 * bucket must not wait for a full listing (and the warning says when it looked at part).
 */
record LargestObject(String key, long size, boolean wholeListing) {
  static final int MAX_KEYS = 10_000;

  static Optional<LargestObject> find(S3Client s3, String bucket, String prefix) {
    String p =
        prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
    S3Object largest = null;
    int seen = 0;
    String token = null;
    try {
      do {
        String t = token;
        ListObjectsV2Response page =
            s3.listObjectsV2(
                b -> b.bucket(bucket).prefix(p.isEmpty() ? null : p).continuationToken(t));
        for (S3Object o : page.contents()) {
          seen++;
          if (largest == null || o.size() > largest.size()) {
            largest = o;
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null && seen < MAX_KEYS);
    } catch (SdkException e) {
      return Optional.empty();
    }
    if (largest == null) {
      return Optional.empty();
    }
    return Optional.of(
        new LargestObject(largest.key().substring(p.length()), largest.size(), token == null));
  }
}
