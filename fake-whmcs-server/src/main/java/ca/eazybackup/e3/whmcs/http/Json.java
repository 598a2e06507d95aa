package ca.eazybackup.e3.whmcs.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one ObjectMapper: Instants as RFC 3339 UTC strings, nulls kept (the contract shows them).
 * Reading is strict: data after the JSON value and a field given twice are errors, not silently
 * dropped or overwritten (which one a PHP server would keep is anyone's guess).
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Parses stored JSON text; null or blank gives null. */
  public static JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not valid: " + e.getOriginalMessage(), e);
    }
  }

  public static String write(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * What is wrong with JSON text and where, in words for the person who sent it: never the parser's
   * own message, which names its classes and settings.
   */
  public static String problem(JsonProcessingException e) {
    String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    String why;
    if (e instanceof StreamConstraintsException) {
      why = "a value is too long or nested too deeply";
    } else if (raw.startsWith("Duplicate field")) {
      why = "a field appears twice";
    } else if (raw.startsWith("Trailing token")) {
      why = "there is more after the JSON value";
    } else if (raw.contains("end-of-input")) {
      why = "the text ends before the JSON value does";
    } else if (raw.contains("control character")) {
      why = "a string holds an unescaped control character";
    } else {
      why = "unexpected text";
    }
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0
        ? why
        : why + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
