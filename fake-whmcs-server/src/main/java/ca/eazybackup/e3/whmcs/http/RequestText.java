package ca.eazybackup.e3.whmcs.http;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request's body and query string as text, decoded here rather than by the web framework, whose
 * decoding of an unknown {@code charset} (or of bad bytes) was a 500 on every endpoint. The body is
 * decoded strictly in the charset the {@code Content-Type} names (UTF-8 when it names none); the
 * query string is UTF-8 (RFC 3986).
 */
public final class RequestText {
  private RequestText() {}

  /** The charset of {@code contentType}; 415 when it names one this server cannot decode. */
  public static Charset charset(String contentType) {
    if (contentType == null) {
      return StandardCharsets.UTF_8;
    }
    for (String part : contentType.split(";")) {
      String p = part.trim();
      if (p.regionMatches(true, 0, "charset=", 0, "charset=".length())) {
        String name = p.substring("charset=".length()).trim().replace("\"", "");
        try {
          return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          throw new ApiException(
              415,
              "charset '"
                  + printable(name)
                  + "' in Content-Type is not supported: send the body as UTF-8",
              "Content-Type");
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  /** {@code body} decoded strictly: bytes that are not valid in the charset are a 400. */
  public static String decode(byte[] body, Charset charset) {
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          "body", "request body is not valid " + charset.name() + " text");
    }
  }

  /**
   * {@code a=1&b=2&b=3} as a map of lists (a key sent twice keeps both values); 400 naming {@code
   * what} for a broken %-escape.
   */
  public static Map<String, List<String>> formFields(String text, Charset charset, String what) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.computeIfAbsent(URLDecoder.decode(k, charset), x -> new ArrayList<>())
            .add(URLDecoder.decode(v, charset));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            what, what + " holds a broken %-escape near '" + printable(k) + "'");
      }
    }
    return out;
  }

  /** Whether the content type is a form post. */
  public static boolean isForm(String contentType) {
    return contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  /** At most 40 characters of untrusted text, control characters shown as '?'. */
  static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
