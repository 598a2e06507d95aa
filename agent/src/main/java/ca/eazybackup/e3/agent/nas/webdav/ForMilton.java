package ca.eazybackup.e3.agent.nas.webdav;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
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
 */
final class ForMilton extends HttpServletRequestWrapper {
  ForMilton(HttpServletRequest request) {
    super(request);
  }

  private static boolean hidden(String name) {
    return name != null && name.equalsIgnoreCase("If");
  }

  @Override
  public String getHeader(String name) {
    return hidden(name) ? null : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
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
