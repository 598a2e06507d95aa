package ca.eazybackup.e3.shims;

import java.util.Locale;

/**
 * What a drive letter is used for now, in this process's logon session.
 *
 * @param letter A–Z
 * @param kind free, a local volume (disk, removable, CD), or a network mapping
 * @param remote for a network mapping, what it points to as Windows reports it: the URL or UNC
 *     given to WNetAddConnection2 (simulated host) or WNetGetConnection's UNC form, {@code
 *     \\127.0.0.1@PORT\DavWWWRoot\…} for a WebDAV drive (real host); else null
 */
public record DriveUse(char letter, Kind kind, String remote) {

  /** How a letter is used. */
  public enum Kind {
    FREE,
    LOCAL,
    NETWORK
  }

  public static DriveUse free(char letter) {
    return new DriveUse(Character.toUpperCase(letter), Kind.FREE, null);
  }

  /**
   * A WebDAV mapping to this machine's loopback address: the kind of drive a Cloud NAS mount makes
   * (in either of the forms above), so one left by an earlier agent process is stale, not a user's.
   */
  public boolean isLoopbackWebDav() {
    if (kind != Kind.NETWORK || remote == null) {
      return false;
    }
    String r = remote.toLowerCase(Locale.ROOT);
    return r.startsWith("http://127.0.0.1:")
        || r.startsWith("http://localhost:")
        || r.startsWith("\\\\127.0.0.1@")
        || r.startsWith("\\\\localhost@");
  }
}
