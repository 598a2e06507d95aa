package ca.eazybackup.e3.agent.s3;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * S3's endpoint rules, evaluated once per bucket instead of twice per request.
 *
 * <p>The SDK runs its generated S3 rule set (hundreds of rules, URL parsing included) for every
 * request, once to pick the auth scheme and once for the endpoint itself: about a sixth of the
 * client's CPU on a small GET. Within one client only the bucket changes from request to request,
 * and the rules never read the object key, prefix, copy source or delete keys, so the result for a
 * bucket is reused. The {@link Key} lists every parameter the rules read; a test fails when an SDK
 * upgrade adds one it does not know.
 */
final class MemoizedEndpointProvider implements S3EndpointProvider {
  /** A client talks to a handful of buckets; past this many, resolve without remembering. */
  private static final int MAX_ENTRIES = 256;

  private final S3EndpointProvider rules;
  private final Map<Key, CompletableFuture<Endpoint>> resolved = new ConcurrentHashMap<>();

  MemoizedEndpointProvider(S3EndpointProvider rules) {
    this.rules = rules;
  }

  @Override
  public CompletableFuture<Endpoint> resolveEndpoint(S3EndpointParams params) {
    Key key = Key.of(params);
    CompletableFuture<Endpoint> known = resolved.get(key);
    if (known != null) {
      return known;
    }
    CompletableFuture<Endpoint> result = rules.resolveEndpoint(params);
    // Only settled successes are kept: a rule error (an invalid bucket name) is raised every time.
    if (result.isDone() && !result.isCompletedExceptionally() && resolved.size() < MAX_ENTRIES) {
      resolved.putIfAbsent(key, result);
    }
    return result;
  }

  /** Every {@link S3EndpointParams} field the rule set reads. */
  record Key(
      String bucket,
      Region region,
      Boolean useFips,
      Boolean useDualStack,
      String endpoint,
      Boolean forcePathStyle,
      Boolean accelerate,
      Boolean useGlobalEndpoint,
      Boolean useObjectLambdaEndpoint,
      Boolean disableAccessPoints,
      Boolean disableMultiRegionAccessPoints,
      Boolean useArnRegion,
      Boolean useS3ExpressControlEndpoint,
      Boolean disableS3ExpressSessionAuth) {

    static Key of(S3EndpointParams p) {
      return new Key(
          p.bucket(),
          p.region(),
          p.useFips(),
          p.useDualStack(),
          p.endpoint(),
          p.forcePathStyle(),
          p.accelerate(),
          p.useGlobalEndpoint(),
          p.useObjectLambdaEndpoint(),
          p.disableAccessPoints(),
          p.disableMultiRegionAccessPoints(),
          p.useArnRegion(),
          p.useS3ExpressControlEndpoint(),
          p.disableS3ExpressSessionAuth());
    }
  }
}
