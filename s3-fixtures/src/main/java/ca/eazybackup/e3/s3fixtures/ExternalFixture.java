package ca.eazybackup.e3.s3fixtures;

import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An S3 server someone else runs (S3_ENDPOINT...); close() only closes our client. */
final class ExternalFixture extends AbstractS3Fixture {
  private static final Logger log = LoggerFactory.getLogger(ExternalFixture.class);

  private ExternalFixture(URI endpoint, String region, String accessKey, String secretKey) {
    super("external", endpoint, region, accessKey, secretKey);
  }

  static boolean configured(Map<String, String> env) {
    String endpoint = env.get("S3_ENDPOINT");
    return endpoint != null && !endpoint.isBlank();
  }

  static ExternalFixture fromEnvironment(Map<String, String> env) {
    String endpoint = require(env, "S3_ENDPOINT");
    String accessKey = require(env, "S3_ACCESS_KEY");
    String secretKey = require(env, "S3_SECRET_KEY");
    String region = env.getOrDefault("S3_REGION", "");
    if (region.isBlank()) {
      region = "us-east-1";
    }
    URI uri;
    try {
      uri = URI.create(endpoint.trim());
    } catch (IllegalArgumentException e) {
      throw new S3FixtureException("S3_ENDPOINT '" + endpoint + "' is not a URL", e);
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new S3FixtureException(
          "S3_ENDPOINT '" + endpoint + "' needs a scheme and host, e.g. http://127.0.0.1:9000");
    }
    log.info("event=external_s3 endpoint={} region={}", uri, region);
    return new ExternalFixture(uri, region, accessKey, secretKey);
  }

  private static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new S3FixtureException(
          name
              + " is not set: an external S3 server needs S3_ENDPOINT, S3_ACCESS_KEY and"
              + " S3_SECRET_KEY (S3_REGION defaults to us-east-1)");
    }
    return value.trim();
  }

  @Override
  void stopServer() {
    // not ours to stop
  }
}
