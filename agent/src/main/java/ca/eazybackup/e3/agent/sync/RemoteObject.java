package ca.eazybackup.e3.agent.sync;

import java.time.Instant;

/** One object of the destination listing; {@code etag} without quotes. */
record RemoteObject(String key, long size, String etag, Instant lastModified) {

  static String unquote(String etag) {
    if (etag == null) {
      return "";
    }
    String e = etag.strip();
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")
        ? e.substring(1, e.length() - 1)
        : e;
  }

  /** Whether the ETag is a plain MD5 of the content (single-part upload without SSE-KMS/-C). */
  boolean etagIsMd5() {
    return isMd5Hex(etag);
  }

  static boolean isMd5Hex(String etag) {
    if (etag == null || etag.length() != 32) {
      return false;
    }
    for (int i = 0; i < 32; i++) {
      char c = etag.charAt(i);
      if (Character.digit(c, 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
