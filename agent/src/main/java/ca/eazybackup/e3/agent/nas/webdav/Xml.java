package ca.eazybackup.e3.agent.nas.webdav;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * XML for the methods the volume answers itself (PROPFIND, PROPPATCH, LOCK): a namespace-aware DOM
 * parser with DTDs and external entities off (no XXE), and the writing helpers that keep a dead
 * property's value byte-faithful enough for RFC 4918 clients (namespaces declared on each element,
 * so a value can be embedded anywhere).
 */
final class Xml {
  static final String DAV = "DAV:";
  static final String MS = "urn:schemas-microsoft-com:";

  /** Request bodies larger than this are refused (413): PROPFIND/PROPPATCH/LOCK are small. */
  static final int MAX_BODY = 1 << 20;

  private Xml() {}

  /** Thrown for a body that is not well-formed XML or not the expected document; answered 400. */
  static final class BadXmlException extends Exception {
    private static final long serialVersionUID = 1L;

    BadXmlException(String message) {
      super(message);
    }
  }

  static Document parse(byte[] body) throws BadXmlException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new ByteArrayInputStream(body));
    } catch (SAXException | IOException e) {
      throw new BadXmlException("request body is not well-formed XML: " + e.getMessage());
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  static QName qname(Node n) {
    String ns = n.getNamespaceURI();
    return new QName(ns == null ? "" : ns, n.getLocalName());
  }

  static boolean is(Node n, String ns, String local) {
    return n.getNodeType() == Node.ELEMENT_NODE
        && ns.equals(n.getNamespaceURI())
        && local.equals(n.getLocalName());
  }

  /** The first child element named {@code ns:local}, or null. */
  static Element child(Element parent, String ns, String local) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (is(n, ns, local)) {
        return (Element) n;
      }
    }
    return null;
  }

  static String escape(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep =
          switch (c) {
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '&' -> "&amp;";
            case '"' -> "&quot;";
            case '\r' -> "&#13;";
            default -> null;
          };
      if (rep != null) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(rep);
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** The children of {@code e} serialised as a self-contained XML fragment. */
  static String innerXml(Element e) {
    StringBuilder sb = new StringBuilder();
    NodeList kids = e.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      write(kids.item(i), sb, null);
    }
    return sb.toString();
  }

  private static void write(Node n, StringBuilder sb, String defaultNs) {
    switch (n.getNodeType()) {
      case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> sb.append(escape(n.getNodeValue()));
      case Node.ELEMENT_NODE -> {
        String ns = n.getNamespaceURI() == null ? "" : n.getNamespaceURI();
        String local = n.getLocalName();
        sb.append('<').append(local);
        if (!ns.equals(defaultNs)) {
          sb.append(" xmlns=\"").append(escape(ns)).append('"');
        }
        NamedNodeMap attrs = n.getAttributes();
        int a = 0;
        for (int i = 0; i < attrs.getLength(); i++) {
          Attr at = (Attr) attrs.item(i);
          String ans = at.getNamespaceURI();
          if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(ans)) {
            continue; // declarations are re-made
          }
          if (ans == null || ans.isEmpty()) {
            sb.append(' ').append(at.getLocalName());
          } else if (XMLConstants.XML_NS_URI.equals(ans)) {
            sb.append(" xml:").append(at.getLocalName());
          } else {
            String p = "a" + a++;
            sb.append(" xmlns:").append(p).append("=\"").append(escape(ans)).append('"');
            sb.append(' ').append(p).append(':').append(at.getLocalName());
          }
          sb.append("=\"").append(escape(at.getValue())).append('"');
        }
        if (!n.hasChildNodes()) {
          sb.append("/>");
          return;
        }
        sb.append('>');
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
          write(c, sb, ns);
        }
        sb.append("</").append(local).append('>');
      }
      default -> {
        // comments and processing instructions are not part of a property value
      }
    }
  }

  /** The text content of an element, trimmed. */
  static String text(Element e) {
    return e.getTextContent() == null ? "" : e.getTextContent().strip();
  }
}
