package ca.eazybackup.e3.agent.nas.webdav;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.namespace.QName;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * PROPPATCH (RFC 4918 §9.2), answered by the volume: instructions applied in document order, all or
 * none. Milton CE's parser keeps sets and removes in two maps (order lost) and flattens values to
 * text, which loses namespaced XML values; this keeps both. Live properties are protected (403,
 * with the others 424), except Explorer's {@code Win32CreationTime}, {@code Win32LastModifiedTime},
 * {@code Win32LastAccessTime} and {@code Win32FileAttributes}: answered 200 and applied — the times
 * show in listings and reach S3 with a pending upload.
 */
final class Proppatch {
  private Proppatch() {}

  /** One set (value non-null) or remove. */
  record Instruction(QName name, String value) {}

  static List<Instruction> parse(byte[] body) throws Xml.BadXmlException {
    Element root = Xml.parse(body).getDocumentElement();
    if (!Xml.is(root, Xml.DAV, "propertyupdate")) {
      throw new Xml.BadXmlException("PROPPATCH body must be a DAV:propertyupdate element");
    }
    List<Instruction> out = new ArrayList<>();
    for (Node op = root.getFirstChild(); op != null; op = op.getNextSibling()) {
      boolean set = Xml.is(op, Xml.DAV, "set");
      boolean remove = Xml.is(op, Xml.DAV, "remove");
      if (!set && !remove) {
        continue;
      }
      Element prop = Xml.child((Element) op, Xml.DAV, "prop");
      if (prop == null) {
        throw new Xml.BadXmlException("DAV:" + op.getLocalName() + " without DAV:prop");
      }
      for (Node p = prop.getFirstChild(); p != null; p = p.getNextSibling()) {
        if (p.getNodeType() == Node.ELEMENT_NODE) {
          out.add(new Instruction(Xml.qname(p), set ? Xml.innerXml((Element) p) : null));
        }
      }
    }
    if (out.isEmpty()) {
      throw new Xml.BadXmlException("PROPPATCH names no property");
    }
    return out;
  }

  private static boolean isProtected(QName n) {
    return Xml.DAV.equals(n.getNamespaceURI());
  }

  /** Applies the instructions to {@code path} and writes the 207 body. */
  static void apply(Writer w, Volume v, String path, boolean folder, List<Instruction> ins)
      throws IOException {
    boolean refused = ins.stream().anyMatch(i -> isProtected(i.name()));
    if (!refused) {
      List<Map.Entry<QName, String>> changes = new ArrayList<>();
      Instant modified = null;
      Instant created = null;
      for (Instruction i : ins) {
        String value = i.value();
        if (value != null && Xml.MS.equals(i.name().getNamespaceURI())) {
          Instant t = Propfind.parseRfc1123(textOf(value));
          if (i.name().equals(Propfind.WIN32_MODIFIED)) {
            modified = t;
          } else if (i.name().equals(Propfind.WIN32_CREATED)) {
            created = t;
          }
        }
        changes.add(new AbstractMap.SimpleImmutableEntry<>(i.name(), value));
      }
      v.properties().change(path, changes);
      if (modified != null || created != null) {
        try {
          v.fs().setTimes(path, modified, created);
        } catch (IOException e) {
          // the times are kept by the volume either way; S3 simply has the upload time
        }
      }
    }
    w.write(Propfind.ROOT_OPEN);
    w.write("<D:response><D:href>");
    w.write(Xml.escape(DavPaths.href(v.capability(), path, folder)));
    w.write("</D:href>");
    if (!refused) {
      propstat(w, ins, null, "HTTP/1.1 200 OK");
    } else {
      List<Instruction> bad = ins.stream().filter(i -> isProtected(i.name())).toList();
      List<Instruction> rest = ins.stream().filter(i -> !isProtected(i.name())).toList();
      propstat(w, bad, "<D:cannot-modify-protected-property/>", "HTTP/1.1 403 Forbidden");
      propstat(w, rest, null, "HTTP/1.1 424 Failed Dependency");
    }
    w.write("</D:response>");
    w.write(Propfind.ROOT_CLOSE);
  }

  private static void propstat(Writer w, List<Instruction> ins, String error, String status)
      throws IOException {
    if (ins.isEmpty()) {
      return;
    }
    w.write("<D:propstat><D:prop>");
    for (Instruction i : ins) {
      Propfind.openTag(w, i.name(), true);
    }
    w.write("</D:prop><D:status>");
    w.write(status);
    w.write("</D:status>");
    if (error != null) {
      w.write("<D:error>" + error + "</D:error>");
    }
    w.write("</D:propstat>");
  }

  /** The text of a stored value (values of Win32 times are plain text). */
  private static String textOf(String xmlFragment) {
    return xmlFragment
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#13;", "\r")
        .replace("&amp;", "&");
  }
}
