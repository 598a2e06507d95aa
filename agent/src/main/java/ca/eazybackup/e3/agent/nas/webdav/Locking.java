package ca.eazybackup.e3.agent.nas.webdav;

import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * LOCK and UNLOCK (RFC 4918 §9.10-9.11; class 2, which Office needs to open a file for editing —
 * without it Word opens read-only). Milton's class-2 support is in its commercially licensed
 * edition, so the protocol is done here over {@link LockTable}; the XML shapes are the RFC's.
 */
final class Locking {
  static final String SUPPORTED =
      "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
          + "</D:lockentry><D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype>"
          + "<D:write/></D:locktype></D:lockentry>";

  private Locking() {}

  /** A new lock's request, from the LOCK body. */
  record LockInfo(boolean exclusive, String ownerXml) {}

  static LockInfo parse(byte[] body) throws Xml.BadXmlException {
    Element root = Xml.parse(body).getDocumentElement();
    if (!Xml.is(root, Xml.DAV, "lockinfo")) {
      throw new Xml.BadXmlException("LOCK body must be a DAV:lockinfo element");
    }
    Element scope = Xml.child(root, Xml.DAV, "lockscope");
    Element type = Xml.child(root, Xml.DAV, "locktype");
    if (scope == null || type == null || Xml.child(type, Xml.DAV, "write") == null) {
      throw new Xml.BadXmlException("LOCK needs DAV:lockscope and a DAV:write DAV:locktype");
    }
    boolean exclusive = Xml.child(scope, Xml.DAV, "exclusive") != null;
    if (!exclusive && Xml.child(scope, Xml.DAV, "shared") == null) {
      throw new Xml.BadXmlException("DAV:lockscope must be exclusive or shared");
    }
    Element owner = Xml.child(root, Xml.DAV, "owner");
    return new LockInfo(exclusive, owner == null ? null : Xml.innerXml(owner));
  }

  /** Seconds from a {@code Timeout} header ("Second-n", "Infinite", a list); 0 = default. */
  static long timeout(String header) {
    if (header == null) {
      return 0;
    }
    for (String part : header.split(",")) {
      String p = part.strip();
      if (p.equalsIgnoreCase("Infinite")) {
        return LockTable.MAX_TIMEOUT_SECONDS;
      }
      if (p.regionMatches(true, 0, "Second-", 0, 7)) {
        try {
          return Math.max(1, Long.parseLong(p.substring(7)));
        } catch (NumberFormatException e) {
          return LockTable.MAX_TIMEOUT_SECONDS; // larger than a long: take the most we give
        }
      }
    }
    return 0;
  }

  /** {@code <D:activelock>} for one lock. */
  static String activeLock(Volume v, LockTable.Lock l) {
    StringBuilder sb = new StringBuilder(400);
    sb.append("<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>")
        .append(l.exclusive ? "<D:exclusive/>" : "<D:shared/>")
        .append("</D:lockscope><D:depth>")
        .append(l.deep ? "infinity" : "0")
        .append("</D:depth>");
    if (l.ownerXml != null) {
      sb.append("<D:owner>").append(l.ownerXml).append("</D:owner>");
    }
    sb.append("<D:timeout>Second-")
        .append(l.timeoutSeconds)
        .append("</D:timeout><D:locktoken><D:href>")
        .append(Xml.escape(l.token))
        .append("</D:href></D:locktoken><D:lockroot><D:href>")
        .append(Xml.escape(DavPaths.href(v.capability(), l.root, false)))
        .append("</D:href></D:lockroot></D:activelock>");
    return sb.toString();
  }

  /** The value of DAV:lockdiscovery for {@code path}: every lock that covers it. */
  static String discovery(Volume v, String path) {
    List<LockTable.Lock> locks = v.locks().covering(path);
    if (locks.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (LockTable.Lock l : locks) {
      sb.append(activeLock(v, l));
    }
    return sb.toString();
  }

  /** The body answered to a successful LOCK. */
  static String lockResponse(Volume v, LockTable.Lock l) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:prop xmlns:D=\"DAV:\"><D:lockdiscovery>"
        + activeLock(v, l)
        + "</D:lockdiscovery></D:prop>";
  }

  /** Strips the angle brackets of a {@code Lock-Token} header. */
  static String token(String header) {
    if (header == null) {
      return null;
    }
    String t = header.strip();
    if (t.startsWith("<") && t.endsWith(">")) {
      t = t.substring(1, t.length() - 1);
    }
    return t.isEmpty() ? null : t;
  }

  static boolean hasElementChildren(Element e) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.ELEMENT_NODE) {
        return true;
      }
    }
    return false;
  }
}
