package ca.eazybackup.e3.shims.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What Windows remembers between calls and between processes: drive mappings and share connections
 * per logon session, the service database, the registry values the agent touches, the WebClient's
 * port cache and which drives Explorer was told about. Serialized to {@code <root>/state.json}.
 */
final class SimState {
  static final String STANDARD = "standard";
  static final String ELEVATED = "elevated";

  /** A drive letter mapped in one logon session. */
  record Mapping(
      String letter, String remote, String session, boolean persistent, Integer stalePort) {}

  /** A deviceless connection to {@code \\server\share} in one logon session. */
  record Connection(String share, String session, String username, String domain) {}

  /** One registry value; {@code type} is REG_SZ or REG_DWORD. */
  record RegValue(String name, String type, String value) {}

  /** One entry of the service database. */
  record Service(
      String name,
      String displayName,
      List<String> commandLine,
      String state,
      boolean markedForDelete) {

    Service withState(String newState) {
      return new Service(name, displayName, commandLine, newState, markedForDelete);
    }

    Service markForDelete() {
      return new Service(name, displayName, commandLine, state, true);
    }
  }

  public List<Mapping> mappings = new ArrayList<>();
  public List<Connection> connections = new ArrayList<>();

  /** Keyed by lower-case service name (the SCM compares names case-insensitively). */
  public Map<String, Service> services = new LinkedHashMap<>();

  /** Lower-case key → lower-case value name → value. */
  public Map<String, Map<String, RegValue>> registry = new LinkedHashMap<>();

  /** WebClient's cache: lower-case host → the port it keeps talking to. */
  public Map<String, Integer> webClientPorts = new LinkedHashMap<>();

  /** Drive letters Explorer was told about (SHChangeNotify) since they were mapped. */
  public TreeSet<String> announced = new TreeSet<>();

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
