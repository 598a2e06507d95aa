package ca.eazybackup.e3.agent.nas.vfs;

import java.time.Instant;

/**
 * An object as S3 lists it, by its path inside the volume. Its fingerprint (size + ETag, rclone's
 * "fast fingerprint" for S3) tells whether a cached copy is still the object's content.
 */
record RemoteFile(String path, long size, String etag, Instant lastModified) {

  String fingerprint() {
    return size + "," + etag;
  }

  static String unquote(String etag) {
    if (etag == null) {
      return "";
    }
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }
}
