package ca.eazybackup.e3.s3fixtures;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the fixture implementation from the environment and system properties. */
final class S3Fixtures {
  private static final Logger log = LoggerFactory.getLogger(S3Fixtures.class);

  static final String PROPERTY = "s3.fixture";
  static final String ENV = "S3_FIXTURE";

  private S3Fixtures() {}

  static S3Fixture start() {
    return start(configuredKind());
  }

  /**
   * {@code S3_ENDPOINT} set → external; else {@code -Ds3.fixture}, else {@code $S3_FIXTURE}, else
   * s3proxy.
   */
  static String configuredKind() {
    if (ExternalFixture.configured(System.getenv())) {
      return "external";
    }
    String kind = System.getProperty(PROPERTY);
    if (kind == null || kind.isBlank()) {
      kind = System.getenv(ENV);
    }
    return kind == null || kind.isBlank() ? "s3proxy" : kind.trim().toLowerCase(Locale.ROOT);
  }

  /** See {@link S3Fixture#startOrSkip(String)}; {@code env} and {@code start} for its tests. */
  static S3Fixture startOrSkip(
      String kind, Map<String, String> env, Function<String, S3Fixture> start) {
    try {
      return start.apply(kind);
    } catch (S3FixtureUnavailableException e) {
      if (requiredUnderCi(kind, env)) {
        throw new S3FixtureException(
            "CI=true requires the '" + kind + "' S3 fixture, but it cannot run: " + e.getMessage(),
            e);
      }
      Assumptions.abort("S3 fixture '" + kind + "' unavailable: " + e.getMessage());
      throw e; // not reached: abort always throws
    }
  }

  /** CI promises every fixture but MinIO, which needs a Docker engine CI machines lack. */
  static boolean requiredUnderCi(String kind, Map<String, String> env) {
    return "true".equalsIgnoreCase(env.getOrDefault("CI", "")) && !"minio".equals(kind);
  }

  static S3Fixture start(String kind) {
    log.debug("event=fixture_start kind={}", kind);
    switch (kind) {
      case "s3proxy":
        return S3ProxyFixture.start();
      case "external":
        return ExternalFixture.fromEnvironment(System.getenv());
      case "minio":
        return MinioFixture.start();
      case "ceph":
        return CephFixture.start();
      default:
        throw new S3FixtureException(
            "unknown S3 fixture '"
                + kind
                + "': use -D"
                + PROPERTY
                + "=s3proxy|minio|ceph|external (or set S3_ENDPOINT)");
    }
  }
}
