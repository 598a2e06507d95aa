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

  /** Session 0, where services run as LocalSystem: no user's Explorer sees its mappings. */
  static final String SERVICE = "service";

  /**
   * A drive letter mapped in one logon session; {@code pid} is the process that mapped it (null in
   * state files written before it was recorded).
   */
  record Mapping(
      String letter,
      String remote,
      String session,
      boolean persistent,
      Integer stalePort,
      Long pid) {}

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

  /**
   * The process behind a service of ours the simulated SCM launched: which launch it is, what its
   * dispatcher reported (state, checkpoint, wait hint, when) and where its control handler listens.
   */
  record ServiceProcess(
      String launchId,
      Long pid,
      Integer controlPort,
      String controlToken,
      int checkPoint,
      long waitHintMillis,
      long reportedAtMillis,
      Integer exitCode) {

    ServiceProcess reported(int newCheckPoint, long newWaitHint, long now) {
      return new ServiceProcess(
          launchId, pid, controlPort, controlToken, newCheckPoint, newWaitHint, now, exitCode);
    }

    ServiceProcess exited(int code) {
      return new ServiceProcess(
          launchId,
          pid,
          controlPort,
          controlToken,
          checkPoint,
          waitHintMillis,
          reportedAtMillis,
          code);
    }
  }

  public List<Mapping> mappings = new ArrayList<>();
  public List<Connection> connections = new ArrayList<>();

  /** Keyed by lower-case service name (the SCM compares names case-insensitively). */
  public Map<String, Service> services = new LinkedHashMap<>();

  /** Lower-case service name → its process, while the simulated SCM runs one. */
  public Map<String, ServiceProcess> serviceProcesses = new LinkedHashMap<>();

  /** A shadow copy the simulated VSS made: a frozen copy of a drive folder. */
  record Shadow(String id, String volume, String folder, long createdAtMillis) {}

  public List<Shadow> shadowCopies = new ArrayList<>();

  /** Until when another program's shadow copy operation keeps VSS busy (epoch ms). */
  public long vssBusyUntilMillis;

  /** {@code halt} or {@code throw}: the next shadow copy's maker is killed once it exists. */
  public String vssKillAfterCreate;

  /** How long the simulated VSS takes to make a shadow copy (ms). */
  public long vssCreateDelayMillis;

  /** The simulated DPAPI's machine key (base64), made on first use. */
  public String dpapiMachineKey;

  /** A signed-in user's logon session (WTS). */
  record Session(int id, String user, String sid) {}

  /** A named pipe's server end: where it listens (loopback), its process, owner and DACL. */
  record Pipe(String name, int port, long pid, String owner, List<String> allowed) {}

  public List<Session> sessions = new ArrayList<>();

  /** Session ids count up from 1, as Windows gives the console 1 and each new logon the next. */
  public int nextSessionId = 1;

  /** Lower-case user name → SID, fixed the first time the user signs in. */
  public Map<String, String> userSids = new LinkedHashMap<>();

  /** Lower-case pipe name → its server end. */
  public Map<String, Pipe> pipes = new LinkedHashMap<>();

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
