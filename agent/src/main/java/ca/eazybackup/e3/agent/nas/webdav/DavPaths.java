package ca.eazybackup.e3.agent.nas.webdav;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Request paths to volume paths and back. A request path is {@code /<capability>/a/b}; its volume
 * path is {@code a/b} ({@code ""} for the volume root). Decoding is per segment and strict: {@code
 * .}, {@code ..}, empty segments, encoded slashes and NUL are refused, so no path can leave the
 * volume.
 */
final class DavPaths {
  private DavPaths() {}

  /** Thrown for a path no volume may have; answered 400. */
  static final class BadPathException extends Exception {
    private static final long serialVersionUID = 1L;

    BadPathException(String message) {
      super(message);
    }
  }

  /** Splits a raw (still encoded) request path into capability and volume path. */
  record Target(String capability, String path, boolean trailingSlash) {}

  static Target parse(String rawPath) throws BadPathException {
    if (rawPath == null || !rawPath.startsWith("/")) {
      throw new BadPathException("request path must start with /");
    }
    int q = rawPath.indexOf('?');
    if (q >= 0) {
      rawPath = rawPath.substring(0, q);
    }
    int hash = rawPath.indexOf('#');
    if (hash >= 0) {
      rawPath = rawPath.substring(0, hash);
    }
    boolean trailing = rawPath.length() > 1 && rawPath.endsWith("/");
    String[] raw = rawPath.substring(1).split("/", -1);
    if (raw.length == 0 || raw[0].isEmpty()) {
      return new Target("", "", false);
    }
    String capability = decode(raw[0]);
    StringBuilder path = new StringBuilder();
    for (int i = 1; i < raw.length; i++) {
      if (raw[i].isEmpty()) {
        if (i == raw.length - 1) {
          break; // trailing slash
        }
        throw new BadPathException("empty path segment");
      }
      String seg = decode(raw[i]);
      if (seg.equals(".")
          || seg.equals("..")
          || seg.indexOf('/') >= 0
          || seg.indexOf('\0') >= 0
          || seg.indexOf('\\') >= 0) {
        throw new BadPathException("path segment not allowed: " + raw[i]);
      }
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(seg);
    }
    return new Target(capability, path.toString(), trailing);
  }

  static String decode(String segment) throws BadPathException {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          throw new BadPathException("bad percent-encoding");
        }
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new BadPathException("bad percent-encoding");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < segment.length()) {
          b = segment.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Percent-encodes one segment: everything but RFC 3986's unreserved and a few safe marks. */
  static String encodeSegment(String segment) {
    StringBuilder sb = new StringBuilder(segment.length() + 8);
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~!$'()*,;=:@".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  /** The encoded absolute href of a volume path; folders end with {@code /}. */
  static String href(String capability, String path, boolean folder) {
    StringBuilder sb = new StringBuilder(capability.length() + path.length() + 8);
    sb.append('/').append(capability).append('/');
    if (!path.isEmpty()) {
      for (String seg : path.split("/")) {
        sb.append(encodeSegment(seg)).append('/');
      }
      if (!folder) {
        sb.setLength(sb.length() - 1);
      }
    }
    return sb.toString();
  }

  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static String child(String folder, String name) {
    return folder.isEmpty() ? name : folder + "/" + name;
  }

  /** Whether {@code path} is {@code ancestor} or lies below it. */
  static boolean isWithin(String path, String ancestor) {
    return ancestor.isEmpty()
        || path.equals(ancestor)
        || (path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/');
  }
}
