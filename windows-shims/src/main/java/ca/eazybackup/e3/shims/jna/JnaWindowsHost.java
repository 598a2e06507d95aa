package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.DataProtection;
import ca.eazybackup.e3.shims.DriveMapper;
import ca.eazybackup.e3.shims.DriveUse;
import ca.eazybackup.e3.shims.Elevation;
import ca.eazybackup.e3.shims.FileProtection;
import ca.eazybackup.e3.shims.NetworkShares;
import ca.eazybackup.e3.shims.Registry;
import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceDispatcher;
import ca.eazybackup.e3.shims.Services;
import ca.eazybackup.e3.shims.ShadowCopies;
import ca.eazybackup.e3.shims.ShellNotifier;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.VolumeInfo;
import ca.eazybackup.e3.shims.Volumes;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsHost;
import ca.eazybackup.e3.shims.WindowsPath;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Winnetwk;
import com.sun.jna.ptr.IntByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real Windows host: every call through JNA. Only constructed on Windows. */
public final class JnaWindowsHost implements WindowsHost {
  private static final Logger LOG = LoggerFactory.getLogger(JnaWindowsHost.class);

  private static final int NO_ERROR = 0;
  private static final int ERROR_MORE_DATA = 234;
  private static final int SHCNE_DRIVEREMOVED = 0x00000080;
  private static final int SHCNE_DRIVEADD = 0x00000100;
  private static final int SHCNE_ASSOCCHANGED = 0x08000000;
  private static final int SHCNF_IDLIST = 0x0000;
  private static final int SHCNF_PATHW = 0x0005;
  private static final int WM_SETTINGCHANGE = 0x001A;
  private static final int SMTO_ABORTIFHUNG = 0x0002;
  private static final int SW_SHOWNORMAL = 1;

  private final Drives drives = new Drives();
  private final JnaRegistry registry = new JnaRegistry();
  private final JnaServiceManager serviceManager = new JnaServiceManager();
  private final JnaServiceDispatcher dispatcher = new JnaServiceDispatcher();
  private final JnaSecrets secrets = new JnaSecrets();
  private final JnaShadowCopies shadowCopies = new JnaShadowCopies();

  @Override
  public DriveMapper drives() {
    return drives;
  }

  @Override
  public Volumes volumes() {
    return this::listVolumes;
  }

  @Override
  public Registry registry() {
    return registry;
  }

  @Override
  public Services services() {
    return serviceManager.services();
  }

  @Override
  public ca.eazybackup.e3.shims.EventLog eventLog(String source) {
    return new JnaEventLog(source);
  }

  @Override
  public ServiceControl serviceControl() {
    return serviceManager;
  }

  @Override
  public ServiceDispatcher serviceDispatcher() {
    return dispatcher;
  }

  @Override
  public ShadowCopies shadowCopies() {
    return shadowCopies;
  }

  @Override
  public ca.eazybackup.e3.shims.UserPipes userPipes() {
    return new JnaUserPipes();
  }

  @Override
  public ca.eazybackup.e3.shims.UserSessions userSessions() {
    return new JnaUserSessions();
  }

  @Override
  public DataProtection dataProtection() {
    return secrets;
  }

  @Override
  public FileProtection fileProtection() {
    return secrets;
  }

  @Override
  public ShellNotifier shell() {
    return new ShellNotifier() {
      @Override
      public void driveAdded(char letter) {
        notifyShell(SHCNE_DRIVEADD, letter);
      }

      @Override
      public void driveRemoved(char letter) {
        notifyShell(SHCNE_DRIVEREMOVED, letter);
      }

      @Override
      public void open(char letter) {
        String root = Character.toUpperCase(letter) + ":\\";
        try {
          // ShellExecute returns a value > 32 on success (ShellExecuteW docs).
          com.sun.jna.platform.win32.WinDef.INT_PTR rc =
              com.sun.jna.platform.win32.Shell32.INSTANCE.ShellExecute(
                  null, "explore", root, null, null, SW_SHOWNORMAL);
          if (rc.intValue() <= 32) {
            LOG.warn("event=shell_open_failed drive={} code={}", root, rc.intValue());
          }
        } catch (RuntimeException e) {
          LOG.warn("event=shell_open_failed drive={} error={}", root, e.toString());
        }
      }
    };
  }

  @Override
  public Elevation elevation() {
    return JnaWindowsHost::tokenIsElevated;
  }

  @Override
  public NetworkShares networkShares() {
    return new NetworkShares() {
      @Override
      public void connect(String shareRoot, String username, char[] password, String domain)
          throws ShimException {
        addConnection(NetResources.forShare(shareRoot), username, password, domain);
      }

      @Override
      public void disconnect(String shareRoot) throws ShimException {
        NetResources res = NetResources.forShare(shareRoot);
        int rc = NativeApis.mpr().WNetCancelConnection2(res.remoteName(), 0, true);
        if (rc != NO_ERROR) {
          throw ShimException.win32("WNetCancelConnection2(" + res.remoteName() + ")", rc, null);
        }
      }
    };
  }

  /** Checks the path like the simulated host does, then hands it to the JDK unchanged. */
  @Override
  public Path resolve(String path) throws ShimException {
    WindowsPath parsed = WindowsPath.parse(path);
    // "C:" alone is drive-relative to Windows; the normalized form "C:\" is the root meant.
    return Path.of(parsed.kind() == WindowsPath.Kind.NATIVE ? path : parsed.toString());
  }

  private static void addConnection(
      NetResources spec, String username, char[] password, String domain) throws ShimException {
    Winnetwk.NETRESOURCE res = new Winnetwk.NETRESOURCE();
    res.dwType = spec.type();
    res.lpLocalName = spec.localName();
    res.lpRemoteName = spec.remoteName();
    String user = NetResources.userName(username, domain);
    Memory secret = null;
    try {
      if (password != null) {
        secret = new Memory((long) (password.length + 1) * Native.WCHAR_SIZE);
        secret.clear();
        secret.write(0, password, 0, password.length);
      }
      int rc = NativeApis.mpr().WNetAddConnection2(res, secret, user, spec.flags());
      if (rc != NO_ERROR) {
        String what =
            spec.localName() == null
                ? spec.remoteName()
                : spec.localName() + " → " + spec.remoteName();
        throw ShimException.win32(
            "WNetAddConnection2(" + what + ")" + (user == null ? "" : " as " + user), rc, null);
      }
    } finally {
      if (secret != null) {
        secret.clear();
        secret.close();
      }
    }
  }

  private final class Drives implements DriveMapper {
    @Override
    public void map(char letter, String remote, boolean persistent) throws ShimException {
      addConnection(NetResources.forDrive(letter, remote, persistent), null, null, null);
    }

    @Override
    public void unmap(char letter) throws ShimException {
      String name = Character.toUpperCase(letter) + ":";
      int rc =
          NativeApis.mpr().WNetCancelConnection2(name, NetResources.CONNECT_UPDATE_PROFILE, true);
      if (rc != NO_ERROR && rc != Win32Error.ERROR_NOT_CONNECTED.code()) {
        throw ShimException.win32("WNetCancelConnection2(" + name + ")", rc, null);
      }
    }

    @Override
    public DriveUse probe(char letter) {
      char l = Character.toUpperCase(letter);
      int mask = NativeApis.kernel32().GetLogicalDrives();
      if ((mask & (1 << (l - 'A'))) == 0) {
        // A remembered mapping whose connection is down is not in the mask but still holds the
        // letter: WNetGetConnection knows it.
        String remembered = connectionOf(l);
        return remembered == null
            ? DriveUse.free(l)
            : new DriveUse(l, DriveUse.Kind.NETWORK, remembered);
      }
      String type = WindowsValues.driveType(Kernel32.INSTANCE.GetDriveType(l + ":\\"));
      if ("network".equals(type)) {
        return new DriveUse(l, DriveUse.Kind.NETWORK, connectionOf(l));
      }
      return new DriveUse(l, DriveUse.Kind.LOCAL, null);
    }

    @Override
    public Map<Character, String> mappings() {
      Map<Character, String> out = new TreeMap<>();
      int mask = NativeApis.kernel32().GetLogicalDrives();
      for (char letter : WindowsValues.lettersOf(mask)) {
        String root = letter + ":\\";
        if ("network".equals(WindowsValues.driveType(Kernel32.INSTANCE.GetDriveType(root)))) {
          String unc = connectionOf(letter);
          if (unc != null) {
            out.put(letter, unc);
          }
        }
      }
      return out;
    }
  }

  private List<VolumeInfo> listVolumes() {
    List<VolumeInfo> out = new ArrayList<>();
    for (char letter : WindowsValues.lettersOf(NativeApis.kernel32().GetLogicalDrives())) {
      String root = letter + ":\\";
      String type = WindowsValues.driveType(Kernel32.INSTANCE.GetDriveType(root));
      if (type == null) {
        continue;
      }
      char[] label = new char[261];
      char[] fs = new char[261];
      String labelText = "";
      String fsText = "";
      // A disconnected network drive or an empty card reader fails here; list it anyway.
      if (Kernel32.INSTANCE.GetVolumeInformation(
          root, label, label.length, null, null, null, fs, fs.length)) {
        labelText = Native.toString(label);
        fsText = Native.toString(fs);
      }
      WinNT.LARGE_INTEGER free = new WinNT.LARGE_INTEGER();
      WinNT.LARGE_INTEGER total = new WinNT.LARGE_INTEGER();
      WinNT.LARGE_INTEGER totalFree = new WinNT.LARGE_INTEGER();
      long size = 0;
      if (Kernel32.INSTANCE.GetDiskFreeSpaceEx(root, free, total, totalFree)) {
        size = total.getValue();
      }
      String unc = "network".equals(type) ? connectionOf(letter) : null;
      out.add(new VolumeInfo(letter + ":", labelText, size, fsText, type, unc));
    }
    return out;
  }

  private static String connectionOf(char letter) {
    char[] buffer = new char[1024];
    IntByReference length = new IntByReference(buffer.length);
    int rc = NativeApis.mpr().WNetGetConnection(letter + ":", buffer, length);
    if (rc == ERROR_MORE_DATA) {
      buffer = new char[length.getValue() + 1];
      length = new IntByReference(buffer.length);
      rc = NativeApis.mpr().WNetGetConnection(letter + ":", buffer, length);
    }
    return rc == NO_ERROR ? Native.toString(buffer) : null;
  }

  private static void notifyShell(int event, char letter) {
    String root = Character.toUpperCase(letter) + ":\\";
    try (Memory path = new Memory((long) (root.length() + 1) * Native.WCHAR_SIZE)) {
      path.setWideString(0, root);
      NativeApis.shell32().SHChangeNotify(event, SHCNF_PATHW, path, null);
      NativeApis.shell32().SHChangeNotify(SHCNE_ASSOCCHANGED, SHCNF_IDLIST, null, null);
      WinDef.DWORDByReference result = new WinDef.DWORDByReference();
      User32.INSTANCE.SendMessageTimeout(
          new WinDef.HWND(com.sun.jna.Pointer.createConstant(0xFFFF)),
          WM_SETTINGCHANGE,
          new WinDef.WPARAM(0),
          new WinDef.LPARAM(0),
          SMTO_ABORTIFHUNG,
          5000,
          result);
    } catch (RuntimeException e) {
      // Notifications are best effort: the drive exists either way, Explorer may need F5.
      LOG.warn("event=shell_notify_failed drive={} error={}", root, e.toString());
    }
  }

  private static boolean tokenIsElevated() {
    WinNT.HANDLEByReference token = new WinNT.HANDLEByReference();
    if (!Advapi32.INSTANCE.OpenProcessToken(
        Kernel32.INSTANCE.GetCurrentProcess(), WinNT.TOKEN_QUERY, token)) {
      return false;
    }
    try {
      WinNT.TOKEN_ELEVATION elevation = new WinNT.TOKEN_ELEVATION();
      IntByReference size = new IntByReference();
      boolean ok =
          Advapi32.INSTANCE.GetTokenInformation(
              token.getValue(),
              WinNT.TOKEN_INFORMATION_CLASS.TokenElevation,
              elevation,
              elevation.size(),
              size);
      return ok && elevation.TokenIsElevated != 0;
    } finally {
      Kernel32.INSTANCE.CloseHandle(token.getValue());
    }
  }

  @Override
  public String toString() {
    return "JnaWindowsHost" + Arrays.toString(new String[] {System.getProperty("os.name")});
  }
}
