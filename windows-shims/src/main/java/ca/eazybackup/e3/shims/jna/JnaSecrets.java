package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.DataProtection;
import ca.eazybackup.e3.shims.FileProtection;
import ca.eazybackup.e3.shims.ShimException;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Crypt32Util;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Win32Exception;
import com.sun.jna.platform.win32.WinCrypt;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** DPAPI (Crypt32Util, machine scope) and file ACLs (SetNamedSecurityInfo via Advapi32Util). */
final class JnaSecrets implements DataProtection, FileProtection {
  /** Protected DACL: full control for LocalSystem and BUILTIN\Administrators, nothing inherited. */
  static final String ADMIN_ONLY_SDDL = "D:P(A;;FA;;;SY)(A;;FA;;;BA)";

  private static final Set<String> ADMIN_SIDS = Set.of("S-1-5-18", "S-1-5-32-544");
  private static final int FILE_READ_DATA = 0x1;
  private static final int GENERIC_READ = 0x80000000;
  private static final int GENERIC_ALL = 0x10000000;
  private static final int ACCESS_ALLOWED_ACE_TYPE = 0;

  @Override
  public byte[] protect(byte[] plain) throws ShimException {
    try {
      return Crypt32Util.cryptProtectData(
          plain,
          null,
          WinCrypt.CRYPTPROTECT_LOCAL_MACHINE | WinCrypt.CRYPTPROTECT_UI_FORBIDDEN,
          "e3 backup agent",
          null);
    } catch (Win32Exception e) {
      throw ShimException.win32("CryptProtectData", e.getErrorCode(), null);
    }
  }

  @Override
  public byte[] unprotect(byte[] blob) throws ShimException {
    try {
      return Crypt32Util.cryptUnprotectData(blob, null, WinCrypt.CRYPTPROTECT_UI_FORBIDDEN, null);
    } catch (Win32Exception e) {
      throw ShimException.win32("CryptUnprotectData", e.getErrorCode(), null);
    }
  }

  @Override
  public void restrictToAdministrators(Path file) throws ShimException {
    PointerByReference sd = new PointerByReference();
    if (!NativeApis.advapi32()
        .ConvertStringSecurityDescriptorToSecurityDescriptor(
            ADMIN_ONLY_SDDL, 1, sd, new IntByReference())) {
      throw ShimException.win32(
          "ConvertStringSecurityDescriptorToSecurityDescriptor",
          Kernel32.INSTANCE.GetLastError(),
          null);
    }
    try {
      WinNT.SECURITY_DESCRIPTOR_RELATIVE descriptor =
          new WinNT.SECURITY_DESCRIPTOR_RELATIVE(sd.getValue());
      Advapi32Util.setFileSecurityDescriptor(
          file.toFile(), descriptor, false, false, true, false, true, false);
    } catch (Win32Exception e) {
      throw ShimException.win32("SetNamedSecurityInfo(" + file + ")", e.getErrorCode(), null);
    } finally {
      Kernel32.INSTANCE.LocalFree(sd.getValue());
    }
  }

  @Override
  public List<String> otherReaders(Path file) throws ShimException {
    List<String> readers = new ArrayList<>();
    try {
      for (WinNT.ACE_HEADER ace : Advapi32Util.getFileSecurity(file.toString(), false)) {
        if (ace.AceType != ACCESS_ALLOWED_ACE_TYPE
            || !(ace instanceof WinNT.ACCESS_ACEStructure allowed)) {
          continue;
        }
        boolean reads = (allowed.Mask & (FILE_READ_DATA | GENERIC_READ | GENERIC_ALL)) != 0;
        String sid = allowed.getSidString();
        if (reads && !ADMIN_SIDS.contains(sid)) {
          readers.add(accountName(sid));
        }
      }
      return readers;
    } catch (Win32Exception e) {
      throw ShimException.win32("GetNamedSecurityInfo(" + file + ")", e.getErrorCode(), null);
    }
  }

  private static String accountName(String sid) {
    try {
      Advapi32Util.Account a = Advapi32Util.getAccountBySid(sid);
      return a.domain == null || a.domain.isEmpty() ? a.name : a.domain + "\\" + a.name;
    } catch (Win32Exception e) {
      return sid;
    }
  }
}
