package ca.eazybackup.e3.shims;

/** Registry locations the seed's troubleshooting names; shared by both hosts and the agent. */
public final class WindowsKeys {
  private WindowsKeys() {}

  /** WebClient parameters: FileSizeLimitInBytes, FileAttributesLimitInBytes, BasicAuthLevel. */
  public static final String WEBCLIENT_PARAMETERS =
      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\WebClient\\Parameters";

  public static final String FILE_SIZE_LIMIT = "FileSizeLimitInBytes";

  /** Windows' default WebClient file-size limit: a larger file fails to copy. */
  public static final long DEFAULT_FILE_SIZE_LIMIT = 50_000_000L;

  public static final String FILE_ATTRIBUTES_LIMIT = "FileAttributesLimitInBytes";

  /** Elevated and non-elevated sessions share drive mappings when this DWORD is 1. */
  public static final String POLICIES_SYSTEM =
      "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System";

  public static final String ENABLE_LINKED_CONNECTIONS = "EnableLinkedConnections";

  /** Explorer's per-user drive labels: {@code MountPoints2\##server#share → _LabelFromReg}. */
  public static final String MOUNT_POINTS2 =
      "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\MountPoints2";

  public static final String LABEL_FROM_REG = "_LabelFromReg";

  public static final String WEBCLIENT_SERVICE = "WebClient";

  /**
   * The MountPoints2 sub-key for a drive's remote: {@code \\server\share} → {@code ##server#share},
   * {@code http://127.0.0.1:51234/} → {@code ##127.0.0.1@51234#DavWWWRoot}.
   */
  public static String mountPointKey(String remote) {
    return MOUNT_POINTS2 + "\\" + uncOf(remote).replace('\\', '#');
  }

  /**
   * The UNC form Windows reports for a mapping (WNetGetConnection): a UNC stays as is, an http URL
   * of the WebDAV redirector becomes {@code \\host@port\DavWWWRoot}.
   */
  public static String uncOf(String remote) {
    if (remote.regionMatches(true, 0, "http://", 0, 7)
        || remote.regionMatches(true, 0, "https://", 0, 8)) {
      java.net.URI uri = java.net.URI.create(remote);
      int port = uri.getPort() > 0 ? uri.getPort() : (remote.startsWith("https") ? 443 : 80);
      String ssl = remote.regionMatches(true, 0, "https://", 0, 8) ? "@SSL" : "";
      String path = uri.getPath() == null ? "" : uri.getPath().replace('/', '\\');
      while (path.endsWith("\\")) {
        path = path.substring(0, path.length() - 1);
      }
      return "\\\\" + uri.getHost() + ssl + "@" + port + "\\DavWWWRoot" + path;
    }
    return remote;
  }
}
