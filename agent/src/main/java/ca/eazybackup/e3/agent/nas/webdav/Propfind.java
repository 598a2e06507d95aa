package ca.eazybackup.e3.agent.nas.webdav;

import ca.eazybackup.e3.agent.nas.NasEntry;
import ca.eazybackup.e3.agent.nas.NasFileSystem;
import java.io.IOException;
import java.io.Writer;
import java.net.URLConnection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.namespace.QName;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * PROPFIND (RFC 4918 §9.1), answered by the volume itself so that answers stay lean for Windows'
 * WebClient (whose whole listing must fit in {@code FileAttributesLimitInBytes}, 1,000,000 bytes by
 * default): two namespace prefixes declared once at the root ({@code D:} and {@code Z:}, the
 * spelling MiniRedir expects), no whitespace, no content sniffing (the type comes from the name),
 * the Win32 properties MiniRedir asks for answered from what is known instead of 404 per file, and
 * all found properties in one propstat. Depth 0 and 1; infinity (or no Depth header, which means
 * infinity) is refused with {@code propfind-finite-depth}.
 */
final class Propfind {
  static final QName CREATIONDATE = new QName(Xml.DAV, "creationdate");
  static final QName DISPLAYNAME = new QName(Xml.DAV, "displayname");
  static final QName GETCONTENTLENGTH = new QName(Xml.DAV, "getcontentlength");
  static final QName GETCONTENTTYPE = new QName(Xml.DAV, "getcontenttype");
  static final QName GETETAG = new QName(Xml.DAV, "getetag");
  static final QName GETLASTMODIFIED = new QName(Xml.DAV, "getlastmodified");
  static final QName RESOURCETYPE = new QName(Xml.DAV, "resourcetype");
  static final QName LOCKDISCOVERY = new QName(Xml.DAV, "lockdiscovery");
  static final QName SUPPORTEDLOCK = new QName(Xml.DAV, "supportedlock");
  static final QName QUOTA_AVAILABLE = new QName(Xml.DAV, "quota-available-bytes");
  static final QName QUOTA_USED = new QName(Xml.DAV, "quota-used-bytes");
  static final QName WIN32_CREATED = new QName(Xml.MS, "Win32CreationTime");
  static final QName WIN32_ACCESSED = new QName(Xml.MS, "Win32LastAccessTime");
  static final QName WIN32_MODIFIED = new QName(Xml.MS, "Win32LastModifiedTime");
  static final QName WIN32_ATTRIBUTES = new QName(Xml.MS, "Win32FileAttributes");

  /** Live properties returned by allprop (RFC 4918: those it defines; quota is RFC 4331's). */
  static final List<QName> ALLPROP =
      List.of(
          CREATIONDATE,
          DISPLAYNAME,
          GETCONTENTLENGTH,
          GETCONTENTTYPE,
          GETETAG,
          GETLASTMODIFIED,
          RESOURCETYPE,
          LOCKDISCOVERY,
          SUPPORTEDLOCK);

  static final DateTimeFormatter RFC1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** What the client asked for. */
  enum Kind {
    ALLPROP,
    PROPNAME,
    PROP
  }

  record Request(Kind kind, List<QName> names) {}

  private Propfind() {}

  /** Parses the body; an empty body is allprop. */
  static Request parse(byte[] body) throws Xml.BadXmlException {
    if (body.length == 0) {
      return new Request(Kind.ALLPROP, List.of());
    }
    Element root = Xml.parse(body).getDocumentElement();
    if (!Xml.is(root, Xml.DAV, "propfind")) {
      throw new Xml.BadXmlException("PROPFIND body must be a DAV:propfind element");
    }
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (Xml.is(n, Xml.DAV, "allprop")) {
        Element include = Xml.child(root, Xml.DAV, "include");
        List<QName> extra = new ArrayList<>();
        if (include != null) {
          for (Node k = include.getFirstChild(); k != null; k = k.getNextSibling()) {
            if (k.getNodeType() == Node.ELEMENT_NODE) {
              extra.add(Xml.qname(k));
            }
          }
        }
        return new Request(Kind.ALLPROP, extra);
      }
      if (Xml.is(n, Xml.DAV, "propname")) {
        return new Request(Kind.PROPNAME, List.of());
      }
      if (Xml.is(n, Xml.DAV, "prop")) {
        List<QName> names = new ArrayList<>();
        for (Node k = n.getFirstChild(); k != null; k = k.getNextSibling()) {
          if (k.getNodeType() == Node.ELEMENT_NODE) {
            names.add(Xml.qname(k));
          }
        }
        return new Request(Kind.PROP, names);
      }
    }
    throw new Xml.BadXmlException("PROPFIND body names neither allprop, propname nor prop");
  }

  /** Writes one {@code D:response} for {@code entry} at {@code path}. */
  static void response(
      Writer w, Volume v, String path, NasEntry entry, Request req, NasFileSystem.Space space)
      throws IOException {
    Map<QName, String> dead = v.properties().get(path);
    w.write("<D:response><D:href>");
    w.write(Xml.escape(DavPaths.href(v.capability(), path, entry.folder())));
    w.write("</D:href>");
    if (req.kind() == Kind.PROPNAME) {
      w.write("<D:propstat><D:prop>");
      Set<QName> names = allprop(v);
      if (!entry.folder()) {
        names.add(WIN32_ATTRIBUTES);
      }
      names.addAll(dead.keySet());
      for (QName n : names) {
        if (entry.folder() && isFileOnly(n)) {
          continue;
        }
        openTag(w, n, true);
      }
      w.write("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>");
      return;
    }
    List<QName> wanted;
    if (req.kind() == Kind.ALLPROP) {
      Set<QName> all = allprop(v);
      all.addAll(dead.keySet());
      all.addAll(req.names());
      wanted = new ArrayList<>(all);
    } else {
      wanted = req.names();
    }
    StringBuilder found = new StringBuilder(512);
    List<QName> missing = new ArrayList<>();
    for (QName n : wanted) {
      if (!value(found, v, path, entry, n, dead, space)) {
        if (req.kind() == Kind.PROP) {
          missing.add(n);
        }
      }
    }
    if (found.length() > 0) {
      w.write("<D:propstat><D:prop>");
      w.write(found.toString());
      w.write("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
    }
    if (!missing.isEmpty()) {
      w.write("<D:propstat><D:prop>");
      for (QName n : missing) {
        openTag(w, n, true);
      }
      w.write("</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>");
    }
    w.write("</D:response>");
  }

  /**
   * The live properties allprop and propname name on {@code v}: RFC 4918's (§9.1: "those properties
   * defined in this specification (at a minimum) plus dead properties"; §14.2: those "existing on
   * the resource"). On a read-only volume LOCK is refused, so its resources have no lock
   * capabilities and no locks: DAV:supportedlock and DAV:lockdiscovery do not exist there, and
   * leaving them out takes ~280 of the ~820 bytes each entry of a listing cost.
   */
  private static Set<QName> allprop(Volume v) {
    Set<QName> names = new LinkedHashSet<>(ALLPROP);
    if (v.readOnly()) {
      names.remove(LOCKDISCOVERY);
      names.remove(SUPPORTEDLOCK);
    }
    return names;
  }

  private static boolean isFileOnly(QName n) {
    return n.equals(GETCONTENTLENGTH) || n.equals(GETCONTENTTYPE) || n.equals(GETETAG);
  }

  /** Appends {@code <n>value</n>} when the property exists; false when it does not. */
  private static boolean value(
      StringBuilder sb,
      Volume v,
      String path,
      NasEntry e,
      QName n,
      Map<QName, String> dead,
      NasFileSystem.Space space) {
    String text = null;
    String raw = null;
    if (Xml.DAV.equals(n.getNamespaceURI())) {
      switch (n.getLocalPart()) {
        case "creationdate" -> text = DateTimeFormatter.ISO_INSTANT.format(created(e, dead));
        case "displayname" -> text = e.name();
        case "getcontentlength" -> text = e.folder() ? null : Long.toString(e.size());
        case "getcontenttype" -> text = e.folder() ? null : contentType(e.name());
        case "getetag" -> text = e.folder() ? null : Volume.etagOf(e);
        case "getlastmodified" -> text = RFC1123.format(modified(e, dead));
        case "resourcetype" -> raw = e.folder() ? "<D:collection/>" : "";
        case "lockdiscovery" -> raw = v.readOnly() ? null : Locking.discovery(v, path);
        case "supportedlock" -> raw = v.readOnly() ? null : Locking.SUPPORTED;
        case "quota-available-bytes" ->
            text =
                e.folder() && space.availableBytes() >= 0
                    ? Long.toString(space.availableBytes())
                    : null;
        case "quota-used-bytes" ->
            text = e.folder() && space.usedBytes() >= 0 ? Long.toString(space.usedBytes()) : null;
        default -> {
          // a DAV: name we do not define may still be a dead property below
        }
      }
    } else if (Xml.MS.equals(n.getNamespaceURI()) && !dead.containsKey(n)) {
      switch (n.getLocalPart()) {
        case "Win32CreationTime" -> text = RFC1123.format(created(e, dead));
        case "Win32LastModifiedTime", "Win32LastAccessTime" ->
            text = RFC1123.format(modified(e, dead));
        case "Win32FileAttributes" -> text = e.folder() ? "00000010" : "00000020";
        default -> {
          // not one MiniRedir uses
        }
      }
    }
    if (text == null && raw == null) {
      String deadValue = dead.get(n);
      if (deadValue == null) {
        return false;
      }
      raw = deadValue;
    }
    if (raw != null && raw.isEmpty()) {
      openTag(sb, n, true); // an empty value (a file's resourcetype, no locks) as one empty tag
      return true;
    }
    openTag(sb, n, false);
    if (raw != null) {
      sb.append(raw);
    } else {
      sb.append(Xml.escape(text));
    }
    closeTag(sb, n);
    return true;
  }

  static Instant modified(NasEntry e, Map<QName, String> dead) {
    Instant t = parseRfc1123(dead.get(WIN32_MODIFIED));
    return t != null ? t : e.modified() == null ? Instant.EPOCH : e.modified();
  }

  static Instant created(NasEntry e, Map<QName, String> dead) {
    Instant t = parseRfc1123(dead.get(WIN32_CREATED));
    return t != null ? t : e.created() == null ? modified(e, dead) : e.created();
  }

  static Instant parseRfc1123(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(s.strip()));
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(s.strip());
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  static String contentType(String name) {
    String t = URLConnection.getFileNameMap().getContentTypeFor(name);
    return t == null ? "application/octet-stream" : t;
  }

  /** Opens an element for a property name with a prefix the root declared, or an inline one. */
  static void openTag(Appendable w, QName n, boolean empty) throws IOException {
    w.append('<').append(tagName(n));
    String ns = n.getNamespaceURI();
    if (!Xml.DAV.equals(ns) && !Xml.MS.equals(ns)) {
      if (ns.isEmpty()) {
        w.append(" xmlns=\"\"");
      } else {
        w.append(" xmlns:x=\"").append(Xml.escape(ns)).append('"');
      }
    }
    w.append(empty ? "/>" : ">");
  }

  private static void openTag(StringBuilder sb, QName n, boolean empty) {
    try {
      openTag((Appendable) sb, n, empty);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeTag(StringBuilder sb, QName n) {
    sb.append("</").append(tagName(n)).append('>');
  }

  private static String tagName(QName n) {
    String ns = n.getNamespaceURI();
    if (Xml.DAV.equals(ns)) {
      return "D:" + n.getLocalPart();
    }
    if (Xml.MS.equals(ns)) {
      return "Z:" + n.getLocalPart();
    }
    return ns.isEmpty() ? n.getLocalPart() : "x:" + n.getLocalPart();
  }

  static final String ROOT_OPEN =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
          + "<D:multistatus xmlns:D=\"DAV:\" xmlns:Z=\"urn:schemas-microsoft-com:\">";
  static final String ROOT_CLOSE = "</D:multistatus>";
}
