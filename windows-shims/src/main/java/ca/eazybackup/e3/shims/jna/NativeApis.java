package ca.eazybackup.e3.shims.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Winnetwk;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * The few entry points jna-platform lacks or maps in a way that would keep a password in a Java
 * String; loaded lazily so the class can be referenced (and tested) off Windows.
 */
final class NativeApis {
  private NativeApis() {}

  /** mpr.dll, wide-character variants (the function mapper appends W). */
  interface Mpr extends StdCallLibrary {
    /** The password goes in as native memory we fill from a char[] and wipe afterwards. */
    int WNetAddConnection2(
        Winnetwk.NETRESOURCE resource, Pointer password, String userName, int flags);

    int WNetCancelConnection2(String name, int flags, boolean force);

    int WNetGetConnection(String localName, char[] remoteName, IntByReference length);
  }

  /** kernel32.dll entries jna-platform's Kernel32 does not declare. */
  interface Kernel32Extra extends StdCallLibrary {
    int GetLogicalDrives();

    /** Wide strings spelled out: this library is loaded with the default (ANSI) options. */
    boolean CreateSymbolicLinkW(WString link, WString target, int flags);

    default boolean CreateSymbolicLink(String link, String target, int flags) {
      return CreateSymbolicLinkW(new WString(link), new WString(target), flags);
    }
  }

  /** advapi32.dll entries jna-platform's Advapi32 does not declare. */
  interface Advapi32Extra extends StdCallLibrary {
    boolean ConvertStringSecurityDescriptorToSecurityDescriptor(
        String sddl, int revision, PointerByReference descriptor, IntByReference size);
  }

  /** wtsapi32.dll's WTSQueryUserToken, which jna-platform's Wtsapi32 does not declare. */
  interface Wtsapi32Extra extends StdCallLibrary {
    boolean WTSQueryUserToken(
        int sessionId, com.sun.jna.platform.win32.WinNT.HANDLEByReference token);
  }

  private static final class WtsHolder {
    static final Wtsapi32Extra INSTANCE =
        Native.load("wtsapi32", Wtsapi32Extra.class, W32APIOptions.DEFAULT_OPTIONS);
  }

  static Wtsapi32Extra wtsapi32() {
    return WtsHolder.INSTANCE;
  }

  /** shell32.dll. */
  interface Shell32 extends StdCallLibrary {
    void SHChangeNotify(int eventId, int flags, Pointer item1, Pointer item2);
  }

  private static final class MprHolder {
    static final Mpr INSTANCE = Native.load("mpr", Mpr.class, W32APIOptions.UNICODE_OPTIONS);
  }

  private static final class ShellHolder {
    static final Shell32 INSTANCE =
        Native.load("shell32", Shell32.class, W32APIOptions.UNICODE_OPTIONS);
  }

  private static final class KernelHolder {
    static final Kernel32Extra INSTANCE =
        Native.load("kernel32", Kernel32Extra.class, W32APIOptions.DEFAULT_OPTIONS);
  }

  private static final class AdvapiHolder {
    static final Advapi32Extra INSTANCE =
        Native.load("advapi32", Advapi32Extra.class, W32APIOptions.UNICODE_OPTIONS);
  }

  static Advapi32Extra advapi32() {
    return AdvapiHolder.INSTANCE;
  }

  static Kernel32Extra kernel32() {
    return KernelHolder.INSTANCE;
  }

  static Mpr mpr() {
    return MprHolder.INSTANCE;
  }

  static Shell32 shell32() {
    return ShellHolder.INSTANCE;
  }
}
