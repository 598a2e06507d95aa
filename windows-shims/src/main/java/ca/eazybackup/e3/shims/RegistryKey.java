package ca.eazybackup.e3.shims;

import java.util.Locale;
import java.util.Map;

/**
 * A registry key as the agent names it: {@code HKCU\Software\…} or {@code HKEY_CURRENT_USER\…}.
 *
 * @param hive short hive name: HKLM, HKCU, HKU, HKCR or HKCC
 * @param subKey the path below the hive, without leading or trailing backslash
 */
public record RegistryKey(String hive, String subKey) {

  private static final Map<String, String> HIVES =
      Map.of(
          "HKEY_LOCAL_MACHINE", "HKLM",
          "HKEY_CURRENT_USER", "HKCU",
          "HKEY_USERS", "HKU",
          "HKEY_CLASSES_ROOT", "HKCR",
          "HKEY_CURRENT_CONFIG", "HKCC");

  /** Parses {@code HKLM\SYSTEM\…}; the hive may be spelled out and may end with a colon. */
  public static RegistryKey parse(String key) throws ShimException {
    if (key == null || key.isBlank()) {
      throw ShimException.win32("registry key ''", Win32Error.ERROR_INVALID_PARAMETER, null);
    }
    String normalized = key.replace('/', '\\');
    int slash = normalized.indexOf('\\');
    String hivePart = slash < 0 ? normalized : normalized.substring(0, slash);
    hivePart = hivePart.replace(":", "").toUpperCase(Locale.ROOT);
    String hive = HIVES.getOrDefault(hivePart, hivePart);
    if (!HIVES.containsValue(hive)) {
      throw ShimException.win32(
          "registry key '" + key + "'",
          Win32Error.ERROR_INVALID_PARAMETER,
          "The key must start with HKLM, HKCU, HKU, HKCR or HKCC.");
    }
    String sub = slash < 0 ? "" : normalized.substring(slash + 1);
    while (sub.endsWith("\\")) {
      sub = sub.substring(0, sub.length() - 1);
    }
    return new RegistryKey(hive, sub);
  }

  /** Whether writing here needs an elevated process (machine-wide hives). */
  public boolean machineWide() {
    return hive.equals("HKLM") || hive.equals("HKCR") || hive.equals("HKCC");
  }

  @Override
  public String toString() {
    return subKey.isEmpty() ? hive : hive + "\\" + subKey;
  }
}
