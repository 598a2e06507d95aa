package ca.eazybackup.e3.agent.nas.mount;

import ca.eazybackup.e3.shims.DriveUse;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsHost;
import ca.eazybackup.e3.shims.WindowsKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Windows half of a Cloud NAS drive, every call through {@code windows-shims}: WebClient, the
 * letter, the mapping, Explorer's label and notifications. The rules it follows:
 *
 * <ul>
 *   <li>WebDAV drives go through the WebClient service (the "WebDAV mini-redirector"); mapping an
 *       http URL while it is stopped fails with ERROR_BAD_NET_NAME (67), so it is started first —
 *       the seed's {@code net start webclient}.
 *   <li>WebClient refuses files larger than {@code HKLM\SYSTEM\CurrentControlSet\Services\WebClient
 *       \Parameters\FileSizeLimitInBytes}, 50,000,000 bytes by default (Microsoft: "Error
 *       0x800700DF: The file size exceeds the limit allowed and cannot be saved", KB 900900); a
 *       DWORD, so at most 4,294,967,295.
 *   <li>WebClient keeps talking to the old port of a host while any mapping to it is left (the
 *       seed's "stale port caching"): a loopback WebDAV mapping left on the letter by an earlier
 *       agent process is deleted before mapping. A mapping to anything else is the user's and is
 *       never deleted: the letter is reported in use.
 *   <li>Explorer names a WebDAV drive "DavWWWRoot" unless {@code _LabelFromReg} under its {@code
 *       HKCU\…\Explorer\MountPoints2} key says otherwise, and shows a new drive without F5 only
 *       once told (SHChangeNotify).
 * </ul>
 */
public final class WindowsDrive {
  private static final Logger log = LoggerFactory.getLogger(WindowsDrive.class);

  private final WindowsHost host;

  public WindowsDrive(WindowsHost host) {
    this.host = host;
  }

  /**
   * What is on {@code letter} now.
   *
   * @throws MountException when the letter is a local volume or mapped to something not ours
   */
  public DriveUse checkLetter(char letter) throws MountException {
    DriveUse use;
    try {
      use = host.drives().probe(letter);
    } catch (ShimException e) {
      throw new MountException("drive " + letter + ": cannot be checked: " + e.getMessage(), e);
    }
    switch (use.kind()) {
      case LOCAL ->
          throw new MountException(
              "drive " + letter + ": is a local drive on this computer: pick another letter");
      case NETWORK -> {
        if (!use.isLoopbackWebDav()) {
          throw new MountException(
              "drive "
                  + letter
                  + ": is already mapped to "
                  + use.remote()
                  + ": pick another letter or disconnect that drive first");
        }
      }
      case FREE -> {}
    }
    return use;
  }

  /**
   * Whether Explorer - the signed-in user's unelevated session - sees a mapping this process makes:
   * not when this process is elevated (the service, an Administrator console), Windows' session
   * isolation and the seed's first Cloud NAS issue, unless {@code EnableLinkedConnections} = 1
   * links the elevated and unelevated sessions' mappings.
   */
  public boolean mappingsVisibleToExplorer() {
    if (!host.elevation().isElevated()) {
      return true;
    }
    try {
      return host.registry()
          .getDword(WindowsKeys.POLICIES_SYSTEM, WindowsKeys.ENABLE_LINKED_CONNECTIONS)
          .map(v -> v == 1)
          .orElse(false);
    } catch (ShimException e) {
      log.warn("nas.linked_connections_unreadable error={}", e.getMessage());
      return false;
    }
  }

  /** Starts WebClient unless it runs (the seed's {@code net start webclient}). */
  void ensureWebClient() throws MountException {
    String name = WindowsKeys.WEBCLIENT_SERVICE;
    try {
      ServiceState state = host.services().state(name);
      if (state == ServiceState.RUNNING) {
        return;
      }
      if (state == ServiceState.NOT_INSTALLED) {
        throw new MountException(
            "the WebClient service (WebDAV redirector) is not installed on this computer: on"
                + " Windows Server add the \"WebDAV Redirector\" feature, then mount again");
      }
      host.services().start(name);
      log.info("nas.webclient_started previous_state={}", state);
    } catch (ShimException e) {
      if (e.errorCode() == Win32Error.ERROR_SERVICE_DISABLED.code()) {
        throw new MountException(
            "the WebClient service is disabled, and Windows maps WebDAV drives only through it:"
                + " set its startup type to Manual (sc config WebClient start= demand), then"
                + " mount again",
            e);
      }
      throw new MountException("the WebClient service cannot be started: " + e.getMessage(), e);
    }
  }

  /** Maps the letter, clearing a stale loopback mapping first; labels and announces it. */
  public void map(char letter, String url, String label, DriveUse current) throws MountException {
    if (current.kind() == DriveUse.Kind.NETWORK) {
      unmapQuietly(letter, current.remote(), "stale");
    }
    try {
      // Not persistent: the agent maps it again at start (auto-mount) on the port it then has; a
      // remembered mapping would point at a dead port after a reboot.
      host.drives().map(letter, url, false);
    } catch (ShimException e) {
      throw new MountException("drive " + letter + ": cannot be mapped: " + e.getMessage(), e);
    }
    try {
      host.registry().setString(WindowsKeys.mountPointKey(url), WindowsKeys.LABEL_FROM_REG, label);
    } catch (ShimException e) {
      // Cosmetic: the drive works, Explorer calls it DavWWWRoot.
      log.warn("nas.label_failed letter={} error={}", letter, e.getMessage());
    }
    host.shell().driveAdded(letter);
  }

  /** Opens Explorer on the drive (best effort). */
  void open(char letter) {
    host.shell().open(letter);
  }

  /**
   * WebClient's file-size limit: the registry value, read as the unsigned DWORD it is, or the
   * Windows default when it is absent.
   */
  long fileSizeLimit() {
    try {
      return host.registry()
          .getDword(WindowsKeys.WEBCLIENT_PARAMETERS, WindowsKeys.FILE_SIZE_LIMIT)
          .map(Integer::toUnsignedLong)
          .orElse(WindowsKeys.DEFAULT_FILE_SIZE_LIMIT);
    } catch (ShimException e) {
      return WindowsKeys.DEFAULT_FILE_SIZE_LIMIT;
    }
  }

  /** Removes the mapping (if it is still ours), its label, and tells Explorer. */
  public void unmap(char letter, String url) throws MountException {
    DriveUse use;
    try {
      use = host.drives().probe(letter);
    } catch (ShimException e) {
      throw new MountException("drive " + letter + ": cannot be checked: " + e.getMessage(), e);
    }
    boolean ours =
        use.kind() == DriveUse.Kind.NETWORK
            && use.isLoopbackWebDav()
            && (url == null || use.remote() == null || sameTarget(use.remote(), url));
    if (ours) {
      try {
        host.drives().unmap(letter);
      } catch (ShimException e) {
        throw new MountException(
            "drive " + letter + ": cannot be disconnected: " + e.getMessage(), e);
      }
      host.shell().driveRemoved(letter);
    } else if (use.kind() != DriveUse.Kind.FREE) {
      // Another drive on the letter now (the user's, or this drive mounted anew): not ours to drop.
      log.warn("nas.unmap_skipped letter={} reason=not_ours kind={}", letter, use.kind());
    }
    if (url != null) {
      try {
        host.registry().deleteValue(WindowsKeys.mountPointKey(url), WindowsKeys.LABEL_FROM_REG);
      } catch (ShimException e) {
        log.warn("nas.label_remove_failed letter={} error={}", letter, e.getMessage());
      }
    }
  }

  /** The real host reports the UNC form of the URL it was given; the simulated one the URL. */
  public static boolean sameTarget(String remote, String url) {
    String unc = WindowsKeys.uncOf(url);
    return remote.equalsIgnoreCase(url) || remote.equalsIgnoreCase(unc);
  }

  private void unmapQuietly(char letter, String remote, String why) {
    try {
      host.drives().unmap(letter);
      log.info("nas.mapping_cleared letter={} remote={} reason={}", letter, remote, why);
    } catch (ShimException e) {
      log.warn("nas.mapping_clear_failed letter={} error={}", letter, e.getMessage());
    }
  }
}
