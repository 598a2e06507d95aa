package ca.eazybackup.e3.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps what the agent reports within the field limits of docs/agent-api.md ("Field limits"), so
 * that a long path or a long error never turns a heartbeat into a 400 (which would let the watchdog
 * fail a healthy run as AGENT_OFFLINE). Display text is shortened; NUL, which the addon refuses
 * everywhere, is dropped. Identifiers ({@code manifest_id}) are never changed.
 */
public final class ContractLimits {
  /** {@code current_item}: a path; its end (the file name) is what a user needs to see. */
  public static final int CURRENT_ITEM = 4_096;

  public static final int LOG_REF = 1_024;

  /** Free text the addon keeps in a TEXT column. */
  public static final int TEXT = 16_000;

  public static final int HOSTNAME = 255;

  public static final int EVENT_CODE = 64;

  public static final int EVENT_TYPE = 32;

  /** Each text value inside an event's {@code params} (paths, error messages). */
  public static final int PARAM_TEXT = 4_096;

  public static final int RESULT_MESSAGE = 1_000_000;

  static final String ELLIPSIS = "…";

  private ContractLimits() {}

  /** {@code agent_update_run}'s body, shortened in place where needed. */
  public static ObjectNode fitRunUpdate(ObjectNode body) {
    fitField(body, "current_item", CURRENT_ITEM, true);
    fitField(body, "log_ref", LOG_REF, false);
    fitField(body, "error_summary", TEXT, false);
    return body;
  }

  /** An event as the addon accepts it. */
  public static RunEvent fit(RunEvent e) {
    Map<String, Object> params = new LinkedHashMap<>();
    e.params().forEach((k, v) -> params.put(k, v instanceof String s ? tail(s, PARAM_TEXT) : v));
    return new RunEvent(
        e.seq(),
        e.ts(),
        head(e.type(), EVENT_TYPE),
        e.level(),
        head(e.code(), EVENT_CODE),
        head(e.message(), TEXT),
        params);
  }

  private static void fitField(ObjectNode body, String field, int max, boolean keepEnd) {
    JsonNode v = body.get(field);
    if (v != null && v.isTextual()) {
      body.put(field, keepEnd ? tail(v.asText(), max) : head(v.asText(), max));
    }
  }

  /** At most {@code max} characters, the start kept; NUL dropped. */
  public static String head(String s, int max) {
    if (s == null) {
      return null;
    }
    String clean = s.indexOf('\0') >= 0 ? s.replace("\0", "") : s;
    if (clean.length() <= max) {
      return clean;
    }
    int end = max - ELLIPSIS.length();
    if (Character.isHighSurrogate(clean.charAt(end - 1))) {
      end--;
    }
    return clean.substring(0, end) + ELLIPSIS;
  }

  /** At most {@code max} characters, the end kept (a path's file name); NUL dropped. */
  public static String tail(String s, int max) {
    if (s == null) {
      return null;
    }
    String clean = s.indexOf('\0') >= 0 ? s.replace("\0", "") : s;
    if (clean.length() <= max) {
      return clean;
    }
    int start = clean.length() - (max - ELLIPSIS.length());
    if (Character.isLowSurrogate(clean.charAt(start))) {
      start++;
    }
    return ELLIPSIS + clean.substring(start);
  }
}
