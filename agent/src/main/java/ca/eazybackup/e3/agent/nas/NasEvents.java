package ca.eazybackup.e3.agent.nas;

import java.util.Map;

/**
 * Where a served volume reports what its user should hear about: an upload that failed and will be
 * retried, an upload that overwrote a version changed in S3 meanwhile, a folder too large for
 * WebClient's listing limit, pending uploads resumed after a restart. Called from server and upload
 * threads; implementations must be thread-safe and quick (queue, don't block).
 *
 * <p>Codes (stable, upper case): {@code NAS_UPLOAD_RETRY}, {@code NAS_UPLOAD_FAILED}, {@code
 * NAS_UPLOAD_CONFLICT}, {@code NAS_UPLOADS_RESUMED}, {@code NAS_LISTING_TOO_LARGE}, {@code
 * NAS_CACHE_FULL}. Params never hold a secret.
 */
@FunctionalInterface
public interface NasEvents {
  void event(String code, String message, Map<String, Object> params);

  /** Drops every event (they are still logged by the volume). */
  static NasEvents none() {
    return (code, message, params) -> {};
  }
}
