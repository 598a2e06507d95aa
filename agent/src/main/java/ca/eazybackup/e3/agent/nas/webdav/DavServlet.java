package ca.eazybackup.e3.agent.nas.webdav;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's front door. Before anything else: the {@code Host} header must name this server on
 * the loopback address (a page whose DNS name was rebound to 127.0.0.1 sends its own name, and is
 * refused), a request carrying {@code Origin} (only browsers send it; WebDAV clients never do) is
 * refused, and no CORS header is ever sent. Then the first path segment, the volume's random
 * capability, picks the volume; an unknown one is 404 whatever the method, so volumes cannot be
 * probed.
 */
final class DavServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(DavServlet.class);
  private static final Set<String> LOOPBACK_NAMES =
      Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  private final transient Map<String, Volume> volumes;
  private volatile int port;

  DavServlet(Map<String, Volume> volumes) {
    this.volumes = volumes;
  }

  void port(int port) {
    this.port = port;
  }

  static boolean isLoopbackHost(String host) {
    return LOOPBACK_NAMES.contains(host.toLowerCase(Locale.ROOT));
  }

  /** Whether a Host header value names this server: a loopback name and our port. */
  boolean hostAllowed(String host) {
    if (host == null) {
      return false;
    }
    int colon = host.lastIndexOf(':');
    if (colon <= 0 || host.endsWith("]")) {
      return false; // the port is always explicit in our URLs
    }
    String name = host.substring(0, colon);
    String p = host.substring(colon + 1);
    return isLoopbackHost(name) && p.equals(Integer.toString(port));
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (!hostAllowed(req.getHeader("Host"))) {
      log.warn(
          "event=nas_foreign_host_refused host={} method={}",
          sanitize(req.getHeader("Host")),
          req.getMethod());
      refuse(resp, "requests must be addressed to 127.0.0.1:" + port);
      return;
    }
    if (req.getHeader("Origin") != null) {
      refuse(resp, "browser requests from web pages are not accepted");
      return;
    }
    DavPaths.Target target;
    try {
      target = DavPaths.parse(req.getRequestURI());
    } catch (DavPaths.BadPathException e) {
      resp.sendError(400, e.getMessage());
      return;
    }
    if (target.capability().isEmpty()) {
      root(req, resp);
      return;
    }
    Volume v = volumes.get(target.capability());
    if (v == null) {
      resp.sendError(404);
      return;
    }
    v.handle(req, resp, target);
  }

  /**
   * The server root: OPTIONS and a depth-0 PROPFIND (MiniRedir probes {@code /} before the mapped
   * path) answer as an empty folder that lists nothing, so no volume is revealed.
   */
  private void root(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    switch (req.getMethod()) {
      case "OPTIONS" -> {
        Volume.optionsHeaders(resp, true);
        resp.setStatus(200);
        resp.setContentLength(0);
      }
      case "PROPFIND" -> {
        resp.setStatus(207);
        resp.setContentType("application/xml;charset=utf-8");
        resp.getWriter()
            .write(
                Propfind.ROOT_OPEN
                    + "<D:response><D:href>/</D:href><D:propstat><D:prop><D:resourcetype>"
                    + "<D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK"
                    + "</D:status></D:propstat></D:response>"
                    + Propfind.ROOT_CLOSE);
      }
      default -> resp.sendError(404);
    }
  }

  private static void refuse(HttpServletResponse resp, String why) throws IOException {
    resp.setStatus(403);
    resp.setContentType("text/plain;charset=utf-8");
    resp.getWriter().write(why);
  }

  private static String sanitize(String s) {
    if (s == null) {
      return "-";
    }
    String t = s.length() > 80 ? s.substring(0, 80) : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
