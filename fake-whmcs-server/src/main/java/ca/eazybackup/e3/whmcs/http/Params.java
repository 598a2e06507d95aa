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

/**
 * A request's parameters, from a JSON body, a form-encoded body or the query string (the PHP addon
 * reads {@code $_POST}, {@code $_GET} and JSON alike). Typed getters turn bad input into a 400 that
 * names the field.
 */
public final class Params {
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
        throw ApiException.badRequest(
            "body", "request body is not valid JSON: " + e.getOriginalMessage());
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

  public String str(String name) {
    return optStr(name)
        .filter(s -> !s.isBlank())
        .orElseThrow(() -> ApiException.badRequest(name, name + " is required"));
  }

  public Optional<String> optStr(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isValueNode()) {
      return Optional.of(v.asText());
    }
    throw ApiException.badRequest(name, name + " must be a string");
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
      return Optional.of(v.asLong());
    }
    if (v.isTextual()) {
      try {
        return Optional.of(Long.parseLong(v.asText().trim()));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(name, name + " must be a whole number");
      }
    }
    throw ApiException.badRequest(name, name + " must be a whole number");
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
    if (v.isNumber()) {
      return Optional.of(v.asDouble());
    }
    if (v.isTextual()) {
      try {
        return Optional.of(Double.parseDouble(v.asText().trim()));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(name, name + " must be a number");
      }
    }
    throw ApiException.badRequest(name, name + " must be a number");
  }

  public Optional<Boolean> optBool(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isBoolean()) {
      return Optional.of(v.asBoolean());
    }
    if (v.isNumber()) {
      return Optional.of(v.asInt() != 0);
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
        throw ApiException.badRequest(name, name + " is not valid JSON: " + e.getOriginalMessage());
      }
    }
    if (!v.isObject()) {
      throw ApiException.badRequest(name, name + " must be a JSON object");
    }
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
        return Optional.of(List.of(t));
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
      out.add(e.asText());
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
