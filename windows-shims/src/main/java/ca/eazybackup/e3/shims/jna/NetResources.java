package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UncPaths;
import ca.eazybackup.e3.shims.Win32Error;
import java.util.Locale;

/**
 * What goes into NETRESOURCE and the flags of WNetAddConnection2: pure values, so they are tested
 * off Windows.
 *
 * @param localName {@code Z:} for a drive mapping, null for a share log-on
 * @param remoteName {@code \\server\share} or the WebDAV URL
 * @param flags CONNECT_* flags
 */
record NetResources(int type, String localName, String remoteName, int flags) {
  static final int RESOURCETYPE_DISK = 0x1;
  static final int CONNECT_UPDATE_PROFILE = 0x1;
  static final int CONNECT_TEMPORARY = 0x4;

  /** A drive letter mapped to a UNC share or a WebDAV URL; persistent ones are remembered. */
  static NetResources forDrive(char letter, String remote, boolean persistent)
      throws ShimException {
    char l = Character.toUpperCase(letter);
    if (l < 'A' || l > 'Z') {
      throw ShimException.win32(
          "WNetAddConnection2(" + letter + ":)", Win32Error.ERROR_BAD_DEVICE, null);
    }
    String r = remote.toLowerCase(Locale.ROOT);
    boolean url = r.startsWith("http://") || r.startsWith("https://");
    if (!url && UncPaths.shareRoot(remote).isEmpty()) {
      throw ShimException.win32(
          "WNetAddConnection2(" + l + ": → " + remote + ")",
          Win32Error.ERROR_BAD_NET_NAME,
          "Expected \\\\server\\share or an http URL.");
    }
    return new NetResources(
        RESOURCETYPE_DISK,
        l + ":",
        url ? remote : UncPaths.shareRoot(remote).orElseThrow(),
        persistent ? CONNECT_UPDATE_PROFILE : CONNECT_TEMPORARY);
  }

  /** A deviceless log-on to {@code \\server\share}, never remembered. */
  static NetResources forShare(String shareRoot) throws ShimException {
    String root =
        UncPaths.shareRoot(shareRoot)
            .orElseThrow(
                () ->
                    ShimException.win32(
                        "WNetAddConnection2(" + shareRoot + ")",
                        Win32Error.ERROR_BAD_NET_NAME,
                        "Expected \\\\server\\share."));
    return new NetResources(RESOURCETYPE_DISK, null, root, CONNECT_TEMPORARY);
  }

  /**
   * The user name WNetAddConnection2 takes: {@code DOMAIN\\user} when a separate domain is given
   * and the name has none; a name already qualified ({@code CORP\\a}, {@code a@corp.example}) is
   * kept.
   */
  static String userName(String username, String domain) {
    if (username == null || username.isEmpty()) {
      return null;
    }
    if (domain == null || domain.isBlank() || username.contains("\\") || username.contains("@")) {
      return username;
    }
    return domain + "\\" + username;
  }
}
