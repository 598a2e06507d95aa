package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.Registry;
import ca.eazybackup.e3.shims.RegistryKey;
import ca.eazybackup.e3.shims.ShimException;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Win32Exception;
import com.sun.jna.platform.win32.WinReg;
import java.util.Optional;

/** Registry through Advapi32Util; a missing value is empty, never an error. */
final class JnaRegistry implements Registry {

  static WinReg.HKEY hive(RegistryKey key) {
    return switch (key.hive()) {
      case "HKLM" -> WinReg.HKEY_LOCAL_MACHINE;
      case "HKCU" -> WinReg.HKEY_CURRENT_USER;
      case "HKU" -> WinReg.HKEY_USERS;
      case "HKCR" -> WinReg.HKEY_CLASSES_ROOT;
      default -> WinReg.HKEY_CURRENT_CONFIG;
    };
  }

  private interface Call<T> {
    T run(WinReg.HKEY hive, String subKey);
  }

  private static <T> T call(String what, String key, String name, Call<T> call)
      throws ShimException {
    RegistryKey parsed = RegistryKey.parse(key);
    try {
      return call.run(hive(parsed), parsed.subKey());
    } catch (Win32Exception e) {
      throw ShimException.win32(what + "(" + parsed + "\\" + name + ")", e.getErrorCode(), null);
    }
  }

  @Override
  public Optional<String> getString(String key, String name) throws ShimException {
    return call(
        "RegQueryValueEx",
        key,
        name,
        (h, k) ->
            Advapi32Util.registryValueExists(h, k, name)
                ? Optional.of(Advapi32Util.registryGetStringValue(h, k, name))
                : Optional.empty());
  }

  @Override
  public void setString(String key, String name, String value) throws ShimException {
    call(
        "RegSetValueEx",
        key,
        name,
        (h, k) -> {
          Advapi32Util.registryCreateKey(h, k);
          Advapi32Util.registrySetStringValue(h, k, name, value);
          return null;
        });
  }

  @Override
  public Optional<Integer> getDword(String key, String name) throws ShimException {
    return call(
        "RegQueryValueEx",
        key,
        name,
        (h, k) ->
            Advapi32Util.registryValueExists(h, k, name)
                ? Optional.of(Advapi32Util.registryGetIntValue(h, k, name))
                : Optional.empty());
  }

  @Override
  public void setDword(String key, String name, int value) throws ShimException {
    call(
        "RegSetValueEx",
        key,
        name,
        (h, k) -> {
          Advapi32Util.registryCreateKey(h, k);
          Advapi32Util.registrySetIntValue(h, k, name, value);
          return null;
        });
  }

  @Override
  public void deleteValue(String key, String name) throws ShimException {
    call(
        "RegDeleteValue",
        key,
        name,
        (h, k) -> {
          if (Advapi32Util.registryValueExists(h, k, name)) {
            Advapi32Util.registryDeleteValue(h, k, name);
          }
          return null;
        });
  }
}
