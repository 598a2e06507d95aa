package ca.eazybackup.e3.whmcs.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A request's parameters, from a JSON body, a form-encoded body or the query string (the PHP addon
 * reads {@code $_POST}, {@code $_GET} and JSON alike). Typed getters turn bad input into a 400 that
 * names the field.
 */
public final class Params {
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private final ObjectNode node;

  private Params(ObjectNode node) {
    this.node = node;
  }

  public static Params of(JsonNode node) {
    return new Params(node instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode());
  }

  /** Builds params from the raw body and the query/form maps of a request. */
  public static Params from(
      String contentType,
      String body,
      Map<String, List<String>> query,
      Map<String, List<String>> form) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    query.forEach((k, v) -> putFormValue(node, k, v));
    String trimmed = body == null ? "" : body.trim();
    boolean json =
        (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json"))
            || trimmed.startsWith("{");
    if (json && !trimmed.isEmpty()) {
      JsonNode parsed;
      try {
        parsed = Json.MAPPER.readTree(trimmed);
      } catch (JsonProcessingException e) {
        throw ApiException.badRequest("body", "request body is not valid JSON: " + Json.problem(e));
      }
      if (!(parsed instanceof ObjectNode o)) {
        throw ApiException.badRequest("body", "request body must be a JSON object");
      }
      node.setAll(o);
    } else if (form != null) {
      form.forEach((k, v) -> putFormValue(node, k, v));
    }
    return new Params(node);
  }

  private static void putFormValue(ObjectNode node, String key, List<String> values) {
    if (values == null || values.isEmpty()) {
      return;
    }
    String k = key.endsWith("[]") ? key.substring(0, key.length() - 2) : key;
    if (key.endsWith("[]") || values.size() > 1) {
      var arr = node.putArray(k);
      values.forEach(arr::add);
    } else {
      node.set(k, TextNode.valueOf(values.get(0)));
    }
  }

  public ObjectNode node() {
    return node;
  }

  /** Present and not JSON null. */
  public boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  /** Present at all (an explicit null counts: "clear this field"). */
  public boolean present(String name) {
    return node.has(name);
  }

  /**
   * A required string: present, and not empty once surrounding whitespace and control characters
   * are removed (so a space or a control character cannot stand in for a value).
   */
  public String str(String name) {
    return optStr(name)
        .filter(s -> !s.trim().isEmpty() && !s.isBlank())
        .orElseThrow(() -> ApiException.badRequest(name, name + " is required"));
  }

  /**
   * A string field: JSON strings, numbers and booleans as text; NUL is refused (no column, path or
   * name may hold it) and so is a value longer than the field's column ({@link FieldLimits}).
   */
  public Optional<String> optStr(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isValueNode()) {
      return Optional.of(checkText(name, v.asText()));
    }
    throw ApiException.badRequest(name, name + " must be a string");
  }

  /** NUL and length checks of one string value of {@code field}. */
  static String checkText(String field, String value) {
    if (value.indexOf('\0') >= 0) {
      throw ApiException.badRequest(field, field + " must not contain a NUL character (\\u0000)");
    }
    return FieldLimits.checkChars(field, value);
  }

  public String strOr(String name, String fallback) {
    return optStr(name).orElse(fallback);
  }

  public long id(String name) {
    return optLong(name).orElseThrow(() -> ApiException.badRequest(name, name + " is required"));
  }

  public Optional<Long> optLong(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      return Optional.empty();
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw outOfRange(name);
      }
      return Optional.of(v.longValue());
    }
    if (v.isTextual()) {
      // ASCII digits only: Long.parseLong also reads other scripts' digits ("١٢" is 12).
      String t = v.asText().trim();
      if (!INTEGER.matcher(t).matches()) {
        throw ApiException.badRequest(name, name + " must be a whole number");
      }
      try {
        return Optional.of(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw outOfRange(name);
      }
    }
    throw ApiException.badRequest(name, name + " must be a whole number");
  }

  private static ApiException outOfRange(String name) {
    return ApiException.badRequest(
        name, name + " is out of range: whole numbers from -2^63 to 2^63-1 are accepted");
  }

  /** A non-negative integer, or the fallback when absent. */
  public long nonNegative(String name, long fallback) {
    long v = optLong(name).orElse(fallback);
    if (v < 0) {
      throw ApiException.badRequest(name, name + " must be 0 or more");
    }
    return v;
  }

  public Optional<Double> optDouble(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    double d;
    if (v.isNumber()) {
      d = v.asDouble();
    } else if (v.isTextual() && DECIMAL.matcher(v.asText().trim()).matches()) {
      d = Double.parseDouble(v.asText().trim());
    } else {
      throw ApiException.badRequest(name, name + " must be a number");
    }
    if (!Double.isFinite(d)) {
      throw ApiException.badRequest(name, name + " is out of range");
    }
    return Optional.of(d);
  }

  public Optional<Boolean> optBool(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isBoolean()) {
      return Optional.of(v.asBoolean());
    }
    if (v.isIntegralNumber() && v.canConvertToInt() && (v.intValue() == 0 || v.intValue() == 1)) {
      return Optional.of(v.intValue() == 1);
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(name, name + " must be true or false");
    }
    String s = v.asText().trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "1", "true", "on", "yes" -> {
        return Optional.of(true);
      }
      case "0", "false", "off", "no", "" -> {
        return Optional.of(false);
      }
      default -> throw ApiException.badRequest(name, name + " must be true or false");
    }
  }

  public boolean bool(String name, boolean fallback) {
    return optBool(name).orElse(fallback);
  }

  /**
   * A JSON object field given either as an object or as a string holding JSON (form posts); empty
   * strings and null mean "none".
   */
  public Optional<JsonNode> optJsonObject(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isTextual()) {
      String t = v.asText().trim();
      if (t.isEmpty() || t.equals("null")) {
        return Optional.empty();
      }
      try {
        v = Json.MAPPER.readTree(t);
      } catch (JsonProcessingException e) {
        throw ApiException.badRequest(name, name + " is not valid JSON: " + Json.problem(e));
      }
    }
    if (!v.isObject()) {
      throw ApiException.badRequest(name, name + " must be a JSON object");
    }
    FieldLimits.checkTextBytes(name, Json.write(v));
    return Optional.of(v);
  }

  /** A list of strings given as a JSON array, a string holding a JSON array, or one string. */
  public Optional<List<String>> optStringList(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isTextual()) {
      String t = v.asText().trim();
      if (t.isEmpty()) {
        return Optional.of(List.of());
      }
      if (t.startsWith("[")) {
        try {
          v = Json.MAPPER.readTree(t);
        } catch (JsonProcessingException e) {
          throw ApiException.badRequest(name, name + " is not a valid JSON array");
        }
      } else {
        return Optional.of(List.of(checkText(name, t)));
      }
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(name, name + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw ApiException.badRequest(name, name + " must contain only strings");
      }
      out.add(checkText(name, e.asText()));
    }
    return Optional.of(out);
  }

  public Optional<Instant> optInstant(String name) {
    return optStr(name)
        .filter(s -> !s.isBlank())
        .map(
            s -> {
              try {
                return Instant.parse(s);
              } catch (DateTimeParseException e) {
                throw ApiException.badRequest(name, name + " must be an RFC 3339 UTC time");
              }
            });
  }

  /** One of the allowed values (case-insensitive), else 400. */
  public Optional<String> optEnum(String name, List<String> allowed) {
    return optStr(name)
        .filter(s -> !s.isBlank())
        .map(
            s -> {
              String lower = s.trim().toLowerCase(Locale.ROOT);
              if (!allowed.contains(lower)) {
                throw ApiException.badRequest(
                    name,
                    name + " must be one of " + String.join(", ", allowed) + ", was '" + s + "'");
              }
              return lower;
            });
  }

  public String enumValue(String name, List<String> allowed) {
    return optEnum(name, allowed)
        .orElseThrow(() -> ApiException.badRequest(name, name + " is required"));
  }
}
