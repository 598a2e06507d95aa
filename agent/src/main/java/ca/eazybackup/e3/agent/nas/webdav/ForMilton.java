package ca.eazybackup.e3.agent.nas.webdav;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request as Milton gets it, once the volume's own checks passed. Two things are hidden:
 *
 * <ul>
 *   <li>the {@code If} header: {@link Preconditions} evaluated it to the letter already, and
 *       Milton's reading of it (by position inside the list) refused {@code (<token> [etag])} while
 *       accepting {@code ([etag] <token>)} — litmus' {@code cond_put};
 *   <li>a form content type: a PUT body sent as {@code application/x-www-form-urlencoded} (curl's
 *       {@code -d} default) was parsed as form parameters and the file stored empty-handed; a
 *       WebDAV body is never a form, so parameters come from the query string alone.
 * </ul>
 *
 * <p>And one is rewritten: a suffix range {@code Range: bytes=-N} becomes the explicit {@code
 * bytes=(size-N)-(size-1)}. Milton's header path wrote {@code Content-Range: bytes 0-N} and {@code
 * Content-Length: N+1} for it while the body held the last N bytes, so clients hung or read short.
 */
final class ForMilton extends HttpServletRequestWrapper {
  private static final java.util.regex.Pattern SUFFIX =
      java.util.regex.Pattern.compile("\\s*bytes\\s*=\\s*-\\s*(\\d{1,18})\\s*");

  /** Size of the file a GET/HEAD reads, or -1 (no range rewriting). */
  private final long size;

  ForMilton(HttpServletRequest request) {
    this(request, -1);
  }

  ForMilton(HttpServletRequest request, long size) {
    super(request);
    this.size = size;
  }

  private static boolean hidden(String name) {
    return name != null && name.equalsIgnoreCase("If");
  }

  @Override
  public String getHeader(String name) {
    if (hidden(name)) {
      return null;
    }
    String v = super.getHeader(name);
    return name != null && name.equalsIgnoreCase("Range") ? explicitRange(v, size) : v;
  }

  /**
   * {@code bytes=-N} of a file of {@code size} bytes as {@code bytes=a-b} (RFC 9110 14.1.2: the
   * last N bytes, the whole file when N is larger); anything else unchanged.
   */
  static String explicitRange(String range, long size) {
    if (range == null || size <= 0) {
      return range;
    }
    java.util.regex.Matcher m = SUFFIX.matcher(range);
    if (!m.matches()) {
      return range;
    }
    long n = Long.parseLong(m.group(1));
    if (n == 0) {
      return range; // unsatisfiable: left to Milton
    }
    return "bytes=" + Math.max(0, size - n) + "-" + (size - 1);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (hidden(name)) {
      return Collections.emptyEnumeration();
    }
    if (name != null && name.equalsIgnoreCase("Range")) {
      String v = getHeader(name);
      return v == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(v));
    }
    return super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    return Collections.enumeration(
        Collections.list(super.getHeaderNames()).stream().filter(n -> !hidden(n)).toList());
  }

  @Override
  public String getContentType() {
    String t = super.getContentType();
    if (t != null) {
      String l = t.toLowerCase(Locale.ROOT);
      if (l.startsWith("application/x-www-form-urlencoded") || l.startsWith("multipart/")) {
        return "application/octet-stream";
      }
    }
    return t;
  }

  @Override
  public String getParameter(String name) {
    String[] v = getParameterMap().get(name);
    return v == null || v.length == 0 ? null : v[0];
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    return QueryString.parse(getQueryString());
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return Collections.enumeration(getParameterMap().keySet());
  }

  @Override
  public String[] getParameterValues(String name) {
    return getParameterMap().get(name);
  }

  /** {@code a=1&b=2} to a map, percent-decoded. */
  static final class QueryString {
    private QueryString() {}

    static Map<String, String[]> parse(String q) {
      Map<String, String[]> out = new java.util.LinkedHashMap<>();
      if (q == null || q.isEmpty()) {
        return out;
      }
      for (String pair : q.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        String[] old = out.get(k);
        if (old == null) {
          out.put(k, new String[] {v});
        } else {
          String[] more = java.util.Arrays.copyOf(old, old.length + 1);
          more[old.length] = v;
          out.put(k, more);
        }
      }
      return out;
    }

    private static String decode(String s) {
      try {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return s;
      }
    }
  }
}
