package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.Registry;
import ca.eazybackup.e3.shims.RegistryKey;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry values the agent touches. Keys and value names compare case-insensitively; writing
 * under HKLM needs an elevated process (ERROR_ACCESS_DENIED otherwise), as on Windows.
 */
final class SimRegistry implements Registry {
  private static final String SZ = "REG_SZ";
  private static final String DWORD = "REG_DWORD";

  private final SimulatedWindowsHost host;

  SimRegistry(SimulatedWindowsHost host) {
    this.host = host;
  }

  static void put(SimState state, String key, String name, String type, String value) {
    state
        .registry
        .computeIfAbsent(SimState.lower(canonical(key)), k -> new LinkedHashMap<>())
        .put(SimState.lower(name), new SimState.RegValue(name, type, value));
  }

  /** A DWORD value read inside a state change (the SCM reads its timeouts this way). */
  static Optional<Long> dword(SimState state, String key, String name) {
    Map<String, SimState.RegValue> values = state.registry.get(SimState.lower(canonical(key)));
    SimState.RegValue v = values == null ? null : values.get(SimState.lower(name));
    if (v == null || !DWORD.equals(v.type())) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(v.value()));
  }

  /** A REG_SZ value read inside a state change (WaitToKillServiceTimeout is a string). */
  static Optional<String> string(SimState state, String key, String name) {
    Map<String, SimState.RegValue> values = state.registry.get(SimState.lower(canonical(key)));
    SimState.RegValue v = values == null ? null : values.get(SimState.lower(name));
    return v == null || !SZ.equals(v.type()) ? Optional.empty() : Optional.of(v.value());
  }

  static boolean linkedConnections(SimState state) {
    Map<String, SimState.RegValue> values =
        state.registry.get(SimState.lower(canonical(WindowsKeys.POLICIES_SYSTEM)));
    if (values == null) {
      return false;
    }
    SimState.RegValue v = values.get(SimState.lower(WindowsKeys.ENABLE_LINKED_CONNECTIONS));
    return v != null && DWORD.equals(v.type()) && "1".equals(v.value());
  }

  private static String canonical(String key) {
    try {
      return RegistryKey.parse(key).toString();
    } catch (ShimException e) {
      return key;
    }
  }

  @Override
  public Optional<String> getString(String key, String name) throws ShimException {
    return get(key, name, SZ);
  }

  @Override
  public void setString(String key, String name, String value) throws ShimException {
    set(key, name, SZ, value);
  }

  @Override
  public Optional<Integer> getDword(String key, String name) throws ShimException {
    // DWORDs are unsigned on Windows; stored as the unsigned decimal, returned as the int bits.
    return get(key, name, DWORD).map(v -> (int) Long.parseLong(v));
  }

  @Override
  public void setDword(String key, String name, int value) throws ShimException {
    set(key, name, DWORD, Long.toString(Integer.toUnsignedLong(value)));
  }

  @Override
  public void deleteValue(String key, String name) throws ShimException {
    RegistryKey parsed = RegistryKey.parse(key);
    checkWritable(parsed, "RegDeleteValue(" + parsed + "\\" + name + ")", "registry.delete", name);
    host.store()
        .update(
            state -> {
              Map<String, SimState.RegValue> values =
                  state.registry.get(SimState.lower(parsed.toString()));
              if (values != null) {
                values.remove(SimState.lower(name));
              }
              return null;
            });
    host.journal().ok("registry.delete", "key", parsed.toString(), "name", name);
  }

  private Optional<String> get(String key, String name, String type) throws ShimException {
    RegistryKey parsed = RegistryKey.parse(key);
    Optional<SimState.RegValue> value =
        host.store()
            .read(
                state ->
                    Optional.ofNullable(state.registry.get(SimState.lower(parsed.toString())))
                        .map(values -> values.get(SimState.lower(name))));
    if (value.isPresent() && !value.get().type().equals(type)) {
      throw ShimException.win32(
          "RegQueryValueEx(" + parsed + "\\" + name + ")",
          Win32Error.ERROR_INVALID_PARAMETER,
          "The value is " + value.get().type() + ", not " + type + ".");
    }
    return value.map(SimState.RegValue::value);
  }

  private void set(String key, String name, String type, String value) throws ShimException {
    RegistryKey parsed = RegistryKey.parse(key);
    checkWritable(parsed, "RegSetValueEx(" + parsed + "\\" + name + ")", "registry.set", name);
    host.store()
        .update(
            state -> {
              put(state, parsed.toString(), name, type, value);
              return null;
            });
    host.journal()
        .ok("registry.set", "key", parsed.toString(), "name", name, "type", type, "value", value);
  }

  private void checkWritable(RegistryKey key, String call, String op, String name)
      throws ShimException {
    if (key.machineWide() && !host.elevation().isElevated()) {
      host.journal()
          .failed(
              op,
              Win32Error.ERROR_ACCESS_DENIED.name(),
              Win32Error.ERROR_ACCESS_DENIED.code(),
              "key",
              key.toString(),
              "name",
              name);
      throw ShimException.win32(
          call,
          Win32Error.ERROR_ACCESS_DENIED,
          "Writing under " + key.hive() + " needs elevation.");
    }
  }
}
