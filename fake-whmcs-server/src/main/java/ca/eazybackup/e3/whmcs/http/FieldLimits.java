package ca.eazybackup.e3.whmcs.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The longest value each request field may hold, taken from the column it is stored in (V1 schema)
 * so that a request the table cannot hold is answered {@code 400} naming the field, never a
 * database error. docs/agent-api.md ("Field limits") states the same numbers.
 *
 * <p>Strings are counted in UTF-16 units ({@link String#length()}), which is never less than the
 * characters MariaDB's utf8mb4 {@code VARCHAR(n)} counts. {@code TEXT} columns hold 65,535 bytes on
 * MariaDB; free text headed for one is capped at {@link #TEXT_CHARS} characters (4 bytes each at
 * worst) and JSON at {@link #TEXT_BYTES} bytes of UTF-8.
 */
public final class FieldLimits {
  /** Bytes a MariaDB {@code TEXT} column holds. */
  public static final int TEXT_BYTES = 65_535;

  /** Characters of free text that always fit a {@code TEXT} column. */
  public static final int TEXT_CHARS = 16_000;

  /** Paths on Windows (with the {@code \\?\} prefix) and the path columns. */
  public static final int PATH_CHARS = 4_096;

  private static final Map<String, Integer> CHARS =
      Map.ofEntries(
          // agents, clients (sim), buckets
          Map.entry("hostname", 255),
          Map.entry("agent_token", 128),
          Map.entry("email", 255),
          Map.entry("firstname", 100),
          Map.entry("lastname", 100),
          Map.entry("access_key", 1_024),
          Map.entry("secret_key", 1_024),
          Map.entry("cloudbackup_agent_s3_endpoint", 2_048),
          Map.entry("cloudbackup_agent_s3_region", 64),
          // jobs
          Map.entry("name", 255),
          Map.entry("source_path", PATH_CHARS),
          Map.entry("source_paths", PATH_CHARS),
          Map.entry("dest_bucket", 255),
          Map.entry("dest_prefix", 1_024),
          Map.entry("encryption_mode", 64),
          Map.entry("compression", 64),
          Map.entry("notify_email", 255),
          Map.entry("network_username", 256),
          Map.entry("network_password", 256),
          Map.entry("network_domain", 255),
          Map.entry("encryption_password", 1_024),
          // runs and events (agent_update_run, agent_push_events)
          Map.entry("current_item", PATH_CHARS),
          Map.entry("log_ref", 1_024),
          Map.entry("manifest_id", 255),
          Map.entry("code", 64),
          Map.entry("type", 32),
          Map.entry("level", 16),
          // commands, restores, browsing, NAS
          Map.entry("result_message", 1_000_000),
          Map.entry("target_path", PATH_CHARS),
          Map.entry("paths", PATH_CHARS),
          Map.entry("path", PATH_CHARS),
          Map.entry("bucket", 255),
          Map.entry("bucket_name", 255),
          Map.entry("prefix", 1_024),
          Map.entry("drive_letter", 3),
          Map.entry("cache_mode", 20),
          Map.entry("status", 20),
          Map.entry("overwrite", 16),
          Map.entry("engine", 16),
          Map.entry("source_type", 32),
          Map.entry("dest_type", 16),
          Map.entry("notify_on", 16));

  private FieldLimits() {}

  /** The most characters {@code field} may hold ({@link #TEXT_CHARS} for free text). */
  public static int chars(String field) {
    return CHARS.getOrDefault(field, TEXT_CHARS);
  }

  /** 400 naming {@code field} when {@code value} is longer than the field's limit. */
  public static String checkChars(String field, String value) {
    return checkChars(field, value, chars(field));
  }

  /** 400 naming {@code field} when {@code value} is longer than {@code max} characters. */
  public static String checkChars(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw ApiException.badRequest(
          field,
          field + " is " + value.length() + " characters long; at most " + max + " are accepted");
    }
    return value;
  }

  /** 400 naming {@code field} when JSON text for a TEXT column is longer than it holds. */
  public static String checkTextBytes(String field, String json) {
    if (json != null) {
      int bytes = json.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > TEXT_BYTES) {
        throw ApiException.badRequest(
            field,
            field + " is " + bytes + " bytes as JSON; at most " + TEXT_BYTES + " are accepted");
      }
    }
    return json;
  }

  /**
   * 400 naming {@code field} when a path climbs out of where it points with a {@code ..} segment
   * (either separator): the wizard sends full paths, so such a path was typed to escape.
   */
  public static String checkNoParentSegments(String field, String path) {
    for (String segment : path.split("[\\\\/]")) {
      if (segment.trim().equals("..")) {
        throw ApiException.badRequest(
            field, field + " must not contain a '..' segment: give the full path");
      }
    }
    return path;
  }
}
