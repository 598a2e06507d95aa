package ca.eazybackup.e3.agent.nas.mount;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.s3.S3Target;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One drive to mount, as the addon's {@code nas_mount} payload (and each entry of {@code
 * agent_list_mounts}) describes it: the seed's {@code MountNASPayload} plus the client's Cloud NAS
 * settings ({@code cache_size_gb}, {@code bandwidth_upload_kbps}, {@code bandwidth_download_kbps},
 * already zero when the client's limit is off) and whether to open Explorer.
 *
 * @param uploadKbps KB/s (the settings page's unit), 0 = unlimited
 */
public record MountRequest(
    long mountId,
    String bucket,
    String prefix,
    char driveLetter,
    boolean readOnly,
    CacheMode cacheMode,
    String endpoint,
    String region,
    String accessKey,
    String secretKey,
    double cacheSizeGb,
    long uploadKbps,
    long downloadKbps,
    boolean openExplorer) {

  /**
   * Reads a payload; every missing or malformed field is named in the error, and nothing else is
   * touched.
   *
   * @param openExplorerDefault whether Explorer opens when the payload does not say (commands: yes,
   *     as the seed does; mounts made again at start: no)
   */
  public static MountRequest parse(JsonNode p, boolean openExplorerDefault) throws MountException {
    long mountId = mountId(p);
    String bucket = text(p, "bucket");
    if (bucket.isBlank()) {
      throw new MountException("nas_mount names no bucket");
    }
    String prefix = text(p, "prefix").replace('\\', '/').replaceAll("^/+", "");
    for (String segment : prefix.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new MountException("prefix '" + prefix + "' must not contain '.' or '..' segments");
      }
    }
    char letter = letter(p);
    CacheMode mode;
    try {
      mode = CacheMode.parse(text(p, "cache_mode"));
    } catch (IllegalArgumentException e) {
      throw new MountException(e.getMessage());
    }
    String endpoint = text(p, "endpoint");
    if (endpoint.isBlank()) {
      throw new MountException("nas_mount carries no S3 endpoint");
    }
    String access = text(p, "access_key");
    String secret = text(p, "secret_key");
    if (access.isBlank() || secret.isBlank()) {
      throw new MountException("nas_mount carries no S3 access keys for bucket '" + bucket + "'");
    }
    double cacheGb = nonNegative(p, "cache_size_gb");
    long up = (long) nonNegative(p, "bandwidth_upload_kbps");
    long down = (long) nonNegative(p, "bandwidth_download_kbps");
    JsonNode open = p.get("open_explorer");
    return new MountRequest(
        mountId,
        bucket.strip(),
        prefix,
        letter,
        p.path("read_only").asBoolean(false),
        mode,
        endpoint.strip(),
        text(p, "region"),
        access,
        secret,
        cacheGb,
        up,
        down,
        open == null || open.isNull() ? openExplorerDefault : open.asBoolean());
  }

  /** The {@code mount_id} of any NAS payload. */
  public static long mountId(JsonNode p) throws MountException {
    JsonNode id = p.get("mount_id");
    if (id == null || !id.canConvertToLong() || id.asLong() <= 0) {
      throw new MountException("the command names no mount_id");
    }
    return id.asLong();
  }

  /** The {@code drive_letter} of any NAS payload: one letter A–Z, a trailing colon allowed. */
  public static char letter(JsonNode p) throws MountException {
    String raw = text(p, "drive_letter").strip().toUpperCase(Locale.ROOT);
    if (raw.endsWith(":")) {
      raw = raw.substring(0, raw.length() - 1);
    }
    if (raw.length() != 1 || raw.charAt(0) < 'A' || raw.charAt(0) > 'Z') {
      throw new MountException(
          "drive letter '" + text(p, "drive_letter") + "' is not one letter from A to Z");
    }
    return raw.charAt(0);
  }

  public S3Target target() {
    return new S3Target(endpoint, region, accessKey, secretKey);
  }

  /** The label Explorer shows instead of "DavWWWRoot" (the seed's {@code _LabelFromReg}). */
  public String label() {
    return "Cloud NAS (" + bucket + ")";
  }

  /** How the volume is served: KB/s → bytes/s, GB → bytes, into the mount's own cache folder. */
  public NasOptions options(Path cacheDir) {
    return new NasOptions(
        cacheMode,
        (long) (cacheSizeGb * (1L << 30)),
        uploadKbps * 1024,
        downloadKbps * 1024,
        readOnly,
        cacheDir);
  }

  /** Whether {@code other} serves the same thing on the same letter (a repeated command). */
  public boolean sameMount(MountRequest other) {
    return other.mountId == mountId
        && other.driveLetter == driveLetter
        && other.bucket.equals(bucket)
        && other.prefix.equals(prefix)
        && other.readOnly == readOnly
        && other.cacheMode == cacheMode
        && other.endpoint.equals(endpoint)
        && other.accessKey.equals(accessKey)
        && other.cacheSizeGb == cacheSizeGb
        && other.uploadKbps == uploadKbps
        && other.downloadKbps == downloadKbps;
  }

  private static String text(JsonNode p, String field) {
    JsonNode v = p.get(field);
    return v == null || v.isNull() ? "" : v.asText("");
  }

  private static double nonNegative(JsonNode p, String field) throws MountException {
    JsonNode v = p.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isNumber() && !(v.isTextual() && v.asText().matches("\\d+(\\.\\d+)?"))) {
      throw new MountException(field + " must be a number ≥ 0, not '" + v.asText() + "'");
    }
    double d = v.asDouble();
    if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
      throw new MountException(field + " must be a number ≥ 0, not " + v.asText());
    }
    return d;
  }

  /** Never prints the keys. */
  @Override
  public String toString() {
    return "MountRequest[mount_id="
        + mountId
        + ", "
        + driveLetter
        + ": → "
        + bucket
        + (prefix.isEmpty() ? "" : "/" + prefix)
        + ", cache_mode="
        + cacheMode.wireName()
        + ", read_only="
        + readOnly
        + "]";
  }
}
