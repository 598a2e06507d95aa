package ca.eazybackup.e3.agent.s3;

/**
 * Where and as whom to talk S3. The endpoint is a full URL; its scheme decides TLS (the seed's
 * "host-only endpoint" bug cannot happen because nothing strips it).
 */
public record S3Target(String endpoint, String region, String accessKey, String secretKey) {

  public S3Target {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException("S3 endpoint is empty: the addon sent no dest_endpoint");
    }
    if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      endpoint = "https://" + endpoint;
    }
    region = region == null || region.isBlank() ? "us-east-1" : region;
  }

  @Override
  public String toString() {
    return "S3Target[" + endpoint + ", region=" + region + ", accessKey=" + accessKey + "]";
  }
}
