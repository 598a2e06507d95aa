package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.DataProtection;
import ca.eazybackup.e3.shims.DriveMapper;
import ca.eazybackup.e3.shims.Elevation;
import ca.eazybackup.e3.shims.FileProtection;
import ca.eazybackup.e3.shims.NetworkShares;
import ca.eazybackup.e3.shims.Registry;
import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceDispatcher;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.Services;
import ca.eazybackup.e3.shims.ShadowCopies;
import ca.eazybackup.e3.shims.ShellNotifier;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.SourceFiles;
import ca.eazybackup.e3.shims.Volumes;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsHost;
import ca.eazybackup.e3.shims.WindowsKeys;
import ca.eazybackup.e3.shims.WindowsPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Windows as the agent meets it, simulated on a folder so the agent runs and is tested on Linux.
 * Drive {@code C:} is {@code <root>/drives/C}, share {@code \\server\share} is {@code
 * <root>/shares/server/share}; mappings, connections, services and registry values live in {@code
 * <root>/state.json} and are shared by every process using the same root, like one Windows machine.
 * It models what the seed learned the hard way: logon sessions are isolated (an elevated process's
 * mappings are invisible to Explorer unless {@code EnableLinkedConnections} is 1), the WebClient
 * service is stopped until started, its {@code FileSizeLimitInBytes} is 50,000,000, drive letters
 * in use are refused, and WebClient keeps talking to a WebDAV port while any mapping to it is left.
 * Every call is written to a JSON-lines journal (README). Configuration: README.
 */
public final class SimulatedWindowsHost implements WindowsHost {

  /** Configuration keys: system property first, then environment variable. */
  static final String ROOT = "E3_SIMHOST_ROOT";

  static final String JOURNAL = "E3_SIMHOST_JOURNAL";
  static final String ELEVATED = "E3_SIMHOST_ELEVATED";
  static final String CREDENTIALS = "E3_SIMHOST_SHARE_CREDENTIALS";
  static final String WEBCLIENT = "E3_SIMHOST_WEBCLIENT";
  static final String SESSION = "E3_SIMHOST_SESSION";
  static final String SCM_CONTROL_TIMEOUT = "E3_SIMHOST_SCM_CONTROL_TIMEOUT_MS";
  static final String USER = "E3_SIMHOST_USER";

  private final Path root;
  private final boolean elevated;
  private final String session;
  private final Path journalFile;
  private final SimStore store;
  private final SimJournal journal;
  private final ShareCredentials credentials;
  private final SimDrives drives;
  private final SimShares shares;
  private final SimRegistry registry;
  private final SimServices services;
  private final SimServiceControl serviceControl;
  private final SimServiceDispatcher serviceDispatcher;
  private final SimDataProtection dataProtection;
  private final SimShadowCopies shadowCopies;
  private final SimSourceFiles sourceFiles;
  private final SimFileProtection fileProtection;
  private final SimShell shell;
  private final String user;
  private final SimUserSessions userSessions;
  private final SimUserPipes userPipes;

  private SimulatedWindowsHost(Builder b) {
    this.root = b.root;
    this.session =
        SimState.SERVICE.equals(b.session)
            ? SimState.SERVICE
            : b.elevated ? SimState.ELEVATED : SimState.STANDARD;
    this.elevated = b.elevated || session.equals(SimState.SERVICE);
    this.journalFile = b.journal;
    try {
      Files.createDirectories(root.resolve("drives"));
      Files.createDirectories(root.resolve("shares"));
      if (b.createDriveC) {
        Files.createDirectories(root.resolve("drives").resolve("C"));
      }
      this.credentials =
          b.credentialsFile != null
              ? ShareCredentials.load(b.credentialsFile)
              : ShareCredentials.load(root.resolve("share-credentials.json"));
    } catch (IOException e) {
      throw new UncheckedIOException("simulated Windows host root " + root + " unusable", e);
    }
    String webClientState = b.webClient;
    this.store = new SimStore(root, state -> initialState(state, webClientState));
    this.journal = new SimJournal(b.journal, session(), b.clock);
    this.drives = new SimDrives(this);
    this.shares = new SimShares(this);
    this.registry = new SimRegistry(this);
    this.services = new SimServices(this);
    this.serviceControl = new SimServiceControl(this, b.scmControlTimeout);
    this.serviceDispatcher = new SimServiceDispatcher(this);
    this.dataProtection = new SimDataProtection(this);
    this.shadowCopies = new SimShadowCopies(this);
    this.sourceFiles = new SimSourceFiles(this);
    this.fileProtection = new SimFileProtection(this);
    this.shell = new SimShell(this);
    this.user = b.user;
    this.userSessions = new SimUserSessions(this);
    this.userPipes = new SimUserPipes(this);
  }

  /** A host on {@code root} (created if missing); see {@link Builder} for the options. */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /**
   * The host configured by system properties or environment variables ({@code E3_SIMHOST_ROOT},
   * {@code E3_SIMHOST_JOURNAL}, {@code E3_SIMHOST_ELEVATED}, {@code E3_SIMHOST_SHARE_CREDENTIALS},
   * {@code E3_SIMHOST_WEBCLIENT}); without a root, {@code <java.io.tmpdir>/e3-simhost}.
   */
  public static SimulatedWindowsHost fromEnvironment() {
    String rootSetting = setting(ROOT);
    Path root =
        rootSetting != null
            ? Paths.get(rootSetting)
            : Paths.get(System.getProperty("java.io.tmpdir"), "e3-simhost");
    Builder b = builder(root).elevated(Boolean.parseBoolean(setting(ELEVATED)));
    String journal = setting(JOURNAL);
    if (journal != null) {
      b.journal(Paths.get(journal));
    }
    String creds = setting(CREDENTIALS);
    if (creds != null) {
      b.shareCredentialsFile(Paths.get(creds));
    }
    String webClient = setting(WEBCLIENT);
    if (webClient != null) {
      b.webClient(webClient);
    }
    String session = setting(SESSION);
    if (session != null) {
      b.session(session);
    }
    String user = setting(USER);
    if (user != null) {
      b.user(user);
    }
    String controlTimeout = setting(SCM_CONTROL_TIMEOUT);
    if (controlTimeout != null) {
      b.scmControlTimeout(java.time.Duration.ofMillis(Long.parseLong(controlTimeout)));
    }
    return b.build();
  }

  /** {@code E3_SIMHOST_ROOT} is read as system property {@code E3_SIMHOST_ROOT} or env var. */
  static String setting(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv(name);
    }
    return value == null || value.isBlank() ? null : value;
  }

  private static void initialState(SimState state, String webClient) {
    ServiceState webClientState =
        switch (webClient.toLowerCase(Locale.ROOT)) {
          case "running" -> ServiceState.RUNNING;
          case "absent", "missing", "not_installed" -> ServiceState.NOT_INSTALLED;
          case "disabled" -> ServiceState.DISABLED;
          default -> ServiceState.STOPPED;
        };
    if (webClientState != ServiceState.NOT_INSTALLED) {
      state.services.put(
          SimState.lower(WindowsKeys.WEBCLIENT_SERVICE),
          new SimState.Service(
              WindowsKeys.WEBCLIENT_SERVICE,
              "WebClient",
              List.of("C:\\Windows\\system32\\svchost.exe", "-k", "LocalService"),
              webClientState.name(),
              false));
      SimRegistry.put(
          state,
          WindowsKeys.WEBCLIENT_PARAMETERS,
          WindowsKeys.FILE_SIZE_LIMIT,
          "REG_DWORD",
          Long.toString(WindowsKeys.DEFAULT_FILE_SIZE_LIMIT));
      SimRegistry.put(
          state,
          WindowsKeys.WEBCLIENT_PARAMETERS,
          WindowsKeys.FILE_ATTRIBUTES_LIMIT,
          "REG_DWORD",
          "1000000");
      SimRegistry.put(state, WindowsKeys.WEBCLIENT_PARAMETERS, "BasicAuthLevel", "REG_DWORD", "1");
    }
  }

  @Override
  public DriveMapper drives() {
    return drives;
  }

  @Override
  public Volumes volumes() {
    return drives;
  }

  @Override
  public Registry registry() {
    return registry;
  }

  @Override
  public Services services() {
    return services;
  }

  @Override
  public ShellNotifier shell() {
    return shell;
  }

  @Override
  public Elevation elevation() {
    return () -> elevated;
  }

  @Override
  public NetworkShares networkShares() {
    return shares;
  }

  @Override
  public ca.eazybackup.e3.shims.EventLog eventLog(String source) {
    return new SimEventLog(this, source);
  }

  @Override
  public ServiceControl serviceControl() {
    return serviceControl;
  }

  @Override
  public ServiceDispatcher serviceDispatcher() {
    return serviceDispatcher;
  }

  @Override
  public ca.eazybackup.e3.shims.UserSessions userSessions() {
    return userSessions;
  }

  @Override
  public ca.eazybackup.e3.shims.UserPipes userPipes() {
    return userPipes;
  }

  /** The user this process runs as; null: the service (LocalSystem, session 0). */
  String user() {
    return user;
  }

  /**
   * {@code user} signs in: a new session (ids count up from 1), the user's SID fixed at the first
   * logon ({@code S-1-5-21-<machine>-<RID>}, RIDs from 1001 as local accounts get).
   */
  public ca.eazybackup.e3.shims.UserSession logon(String user) throws ShimException {
    ca.eazybackup.e3.shims.UserSession s =
        store.update(
            state -> {
              String sid =
                  state.userSids.computeIfAbsent(
                      SimState.lower(user),
                      u ->
                          "S-1-5-21-1004336348-1177238915-682003330-"
                              + (1001 + state.userSids.size()));
              SimState.Session session = new SimState.Session(state.nextSessionId++, user, sid);
              state.sessions.add(session);
              return new ca.eazybackup.e3.shims.UserSession(session.id(), user, sid);
            });
    journal.ok("session.logon", "user", user, "session_id", s.id());
    return s;
  }

  /** The session ends (the user signed out): it is no longer listed. */
  public void logoff(int sessionId) throws ShimException {
    store.update(
        state -> {
          state.sessions.removeIf(s -> s.id() == sessionId);
          return null;
        });
    journal.ok("session.logoff", "session_id", sessionId);
  }

  /** Names of the named pipes that exist now (their server process alive). */
  public List<String> pipes() throws ShimException {
    return store.read(
        state ->
            state.pipes.values().stream()
                .filter(p -> ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false))
                .map(SimState.Pipe::name)
                .toList());
  }

  @Override
  public ShadowCopies shadowCopies() {
    return shadowCopies;
  }

  @Override
  public SourceFiles sourceFiles() {
    return sourceFiles;
  }

  @Override
  public DataProtection dataProtection() {
    return dataProtection;
  }

  @Override
  public FileProtection fileProtection() {
    return fileProtection;
  }

  /**
   * {@code C:\x} → {@code <root>/drives/C/x}; {@code \\server\share\x} → {@code
   * <root>/shares/server/share/x} (names match case-insensitively, as on Windows); a native
   * absolute path passes through unchanged. A share that requires credentials needs a prior {@code
   * connect} (or a drive mapped to it) in this session, else ERROR_ACCESS_DENIED.
   */
  @Override
  public Path resolve(String path) throws ShimException {
    WindowsPath parsed = WindowsPath.parse(path);
    return switch (parsed.kind()) {
      case NATIVE -> root.getFileSystem().getPath(path);
      case DRIVE -> descend(driveFolder(parsed.driveLetter()), parsed.segments());
      case UNC -> descend(accessibleShare(parsed.root(), "resolve"), parsed.segments());
    };
  }

  /** What a non-elevated Explorer window sees now (session isolation, shell notifications). */
  public ExplorerView explorerView() throws ShimException {
    return store.read(
        state -> {
          Map<Character, String> visible = new TreeMap<>();
          TreeSet<Character> needsRefresh = new TreeSet<>();
          boolean linked = SimRegistry.linkedConnections(state);
          for (SimState.Mapping m : state.mappings) {
            if (m.session().equals(SimState.STANDARD) || linked) {
              char letter = m.letter().charAt(0);
              visible.put(letter, m.remote());
              if (!state.announced.contains(m.letter())) {
                needsRefresh.add(letter);
              }
            }
          }
          return new ExplorerView(visible, needsRefresh);
        });
  }

  /**
   * Every drive mapping on the machine, whichever session owns it, with the label Explorer shows
   * for it: what {@code net use} in each session plus a look at Explorer would tell.
   */
  public List<NetworkDrive> networkDrives() throws ShimException {
    List<SimState.Mapping> all = store.read(state -> List.copyOf(state.mappings));
    java.util.Set<String> announced = store.read(state -> java.util.Set.copyOf(state.announced));
    List<NetworkDrive> out = new ArrayList<>();
    for (SimState.Mapping m : all) {
      String unc = WindowsKeys.uncOf(m.remote());
      String fallback =
          SimDrives.isWebDav(m.remote()) ? "DavWWWRoot" : WindowsPath.parse(m.remote()).share();
      String label =
          registry
              .getString(WindowsKeys.mountPointKey(m.remote()), WindowsKeys.LABEL_FROM_REG)
              .orElse(fallback);
      out.add(
          new NetworkDrive(
              m.letter().charAt(0),
              m.remote(),
              unc,
              label,
              m.session(),
              m.pid(),
              m.persistent(),
              announced.contains(m.letter())));
    }
    return out;
  }

  /**
   * Models copying a file of {@code bytes} to a WebDAV drive: fails like Explorer ("the file size
   * exceeds the limit allowed") above the WebClient's {@code FileSizeLimitInBytes}.
   */
  public void checkWebDavTransfer(long bytes) throws ShimException {
    long limit =
        registry
            .getDword(WindowsKeys.WEBCLIENT_PARAMETERS, WindowsKeys.FILE_SIZE_LIMIT)
            .map(Integer::toUnsignedLong)
            .orElse(WindowsKeys.DEFAULT_FILE_SIZE_LIMIT);
    if (bytes > limit) {
      journal.failed(
          "webdav.transfer",
          Win32Error.ERROR_FILE_TOO_LARGE.name(),
          Win32Error.ERROR_FILE_TOO_LARGE.code(),
          "bytes",
          bytes,
          "limit",
          limit);
      throw ShimException.win32(
          "copy of " + bytes + " bytes to a WebDAV drive",
          Win32Error.ERROR_FILE_TOO_LARGE,
          "WebClient FileSizeLimitInBytes is " + limit + ".");
    }
  }

  /**
   * Restarts the simulated machine: deviceless share connections and non-persistent mappings are
   * gone, persistent ones come back (not announced to Explorer yet), WebClient is stopped again and
   * forgets its ports, installed auto-start services run. The journal records {@code host.restart}.
   */
  public void restart() throws ShimException {
    store.update(
        state -> {
          state.connections.clear();
          state.mappings.removeIf(m -> !m.persistent());
          state.webClientPorts.clear();
          state.announced.clear();
          return null;
        });
    journal.ok("host.restart");
    // WebClient is stopped again; the SCM kills every service process and starts ours anew.
    serviceControl.reboot();
  }

  /**
   * Shuts the simulated machine down as Windows does for services: PRESHUTDOWN with each service's
   * preshutdown timeout, then SHUTDOWN with {@code WaitToKillServiceTimeout}, then termination
   * ({@link SimServiceControl#shutdown}). Returns how each running service of ours ended; the
   * journal records {@code host.shutdown} and one {@code service.shutdown} per service.
   */
  public List<ServiceShutdown> shutdown() throws ShimException {
    journal.ok("host.shutdown");
    return serviceControl.shutdown();
  }

  /**
   * Another process (e.g. {@code OUTLOOK.EXE}) opens {@code windowsPath} ({@code C:\x\a.pst})
   * without sharing: opening it for a backup fails with ERROR_SHARING_VIOLATION until {@link
   * #unlockFile}; its copy in a shadow copy reads fine.
   */
  public void lockFile(String windowsPath, String process) throws ShimException {
    String key = WindowsPath.parse(windowsPath).toString();
    editLocks(locks -> locks.put(key, process));
    journal.ok("file.lock", "path", windowsPath, "held_by", process);
  }

  public void unlockFile(String windowsPath) throws ShimException {
    String key = WindowsPath.parse(windowsPath).toString();
    editLocks(locks -> locks.keySet().removeIf(k -> k.equalsIgnoreCase(key)));
    journal.ok("file.unlock", "path", windowsPath);
  }

  private void editLocks(java.util.function.Consumer<Map<String, String>> edit)
      throws ShimException {
    store.update(
        state -> {
          Path file = root.resolve(SimSourceFiles.FILE);
          try {
            Map<String, String> locks = new TreeMap<>();
            if (Files.exists(file)) {
              locks.putAll(
                  SimStore.JSON.readValue(
                      file.toFile(),
                      new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}));
            }
            edit.accept(locks);
            Path tmp = file.resolveSibling(SimSourceFiles.FILE + ".tmp");
            Files.write(tmp, SimStore.JSON.writeValueAsBytes(locks));
            Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException e) {
            throw new ShimException("cannot write " + file + ": " + e, e);
          }
          return null;
        });
  }

  /** Another backup program holds VSS for {@code duration}: creates fail with IN_PROGRESS. */
  public void occupyVss(java.time.Duration duration) throws ShimException {
    store.update(
        state -> {
          state.vssBusyUntilMillis = System.currentTimeMillis() + duration.toMillis();
          return null;
        });
  }

  /**
   * The process that makes the next shadow copy is killed right after VSS made it, before {@code
   * create} returns: the copy exists (VSS keeps it until deleted) and the caller never learns its
   * id - what a kill, a crash or a power cut between {@code Win32_ShadowCopy.Create} and the
   * caller's bookkeeping leaves behind. With {@code haltProcess} the JVM halts with 137 (as after
   * SIGKILL: no finally, no shutdown hook), for an agent child process; otherwise {@code create}
   * throws {@link SimulatedKill}, which no {@code catch (Exception)} of the caller stops.
   */
  public void killAfterNextShadow(boolean haltProcess) throws ShimException {
    store.update(
        state -> {
          state.vssKillAfterCreate = haltProcess ? "halt" : "throw";
          return null;
        });
  }

  /** The process was killed here (in-process model of {@link #killAfterNextShadow}). */
  public static final class SimulatedKill extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedKill(String where) {
      super("simulated kill: " + where);
    }
  }

  /** VSS takes {@code duration} to make a shadow copy (a busy or hung writer). */
  public void slowVss(java.time.Duration duration) throws ShimException {
    store.update(
        state -> {
          state.vssCreateDelayMillis = duration.toMillis();
          return null;
        });
  }

  /** {@code shadow_storage_bytes} of the drive in {@code volumes.json}; -1 without a limit. */
  long shadowStorageLimit(char letter) throws ShimException {
    Path file = root.resolve("volumes.json");
    if (!Files.exists(file)) {
      return -1;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode all = SimStore.JSON.readTree(file.toFile());
      var names = all.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (name.equalsIgnoreCase(String.valueOf(letter))) {
          return all.get(name).path("shadow_storage_bytes").asLong(-1);
        }
      }
      return -1;
    } catch (IOException e) {
      throw new ShimException("simulated volumes file " + file + " unreadable: " + e, e);
    }
  }

  /**
   * Reads a journal file written by any number of processes, oldest first, for a scenario to assert
   * on (e.g. {@code share.connect} before the run, {@code share.disconnect} after it).
   */
  public static List<Map<String, Object>> readJournal(Path file) throws IOException {
    List<Map<String, Object>> lines = new ArrayList<>();
    if (!Files.exists(file)) {
      return lines;
    }
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        lines.add(
            SimStore.JSON.readValue(
                line, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
      }
    }
    return lines;
  }

  /** This process's journal entries, oldest first (the file has every process's). */
  public List<Map<String, Object>> journalEntries() {
    return journal.entries();
  }

  public Path root() {
    return root;
  }

  @Override
  public String toString() {
    return "SimulatedWindowsHost[root=" + root + ", session=" + session() + "]";
  }

  // ---- shared by the facets ----

  String session() {
    return session;
  }

  SimStore store() {
    return store;
  }

  SimJournal journal() {
    return journal;
  }

  /** The journal file child processes (services) append to, when there is one. */
  Optional<Path> journalFile() {
    return Optional.ofNullable(journalFile);
  }

  ShareCredentials credentials() {
    return credentials;
  }

  /** {@code <root>/drives/<letter>} when that local drive exists. */
  Optional<Path> fixedDrive(char letter) {
    Path folder = root.resolve("drives").resolve(String.valueOf(Character.toUpperCase(letter)));
    return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
  }

  List<Character> fixedDriveLetters() {
    List<Character> letters = new ArrayList<>();
    try (Stream<Path> list = Files.list(root.resolve("drives"))) {
      list.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.length() == 1 && Character.isLetter(n.charAt(0)))
          .forEach(n -> letters.add(Character.toUpperCase(n.charAt(0))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    letters.sort(null);
    return letters;
  }

  /** The folder standing for share {@code \\server\share}, or the error Windows gives. */
  Path shareFolder(String shareRoot, String call) throws ShimException {
    WindowsPath share = WindowsPath.parse(shareRoot);
    Path server = childIgnoringCase(root.resolve("shares"), share.server());
    if (!Files.isDirectory(server)) {
      throw ShimException.win32(
          call + "(" + shareRoot + ")",
          Win32Error.ERROR_BAD_NETPATH,
          "No server '" + share.server() + "' in the simulated network.");
    }
    Path folder = childIgnoringCase(server, share.share());
    if (!Files.isDirectory(folder)) {
      throw ShimException.win32(
          call + "(" + shareRoot + ")",
          Win32Error.ERROR_BAD_NET_NAME,
          "Server '" + share.server() + "' has no share '" + share.share() + "'.");
    }
    return folder;
  }

  private Path accessibleShare(String shareRoot, String call) throws ShimException {
    Path folder = shareFolder(shareRoot, call);
    if (credentials.requires(shareRoot)) {
      boolean allowed =
          store.read(
              state ->
                  state.connections.stream()
                          .anyMatch(
                              c ->
                                  c.session().equals(session())
                                      && c.share().equalsIgnoreCase(shareRoot))
                      || state.mappings.stream()
                          .anyMatch(
                              m ->
                                  SimDrives.visible(state, m, session())
                                      && m.remote().equalsIgnoreCase(shareRoot)));
      if (!allowed) {
        journal.failed(
            "share.access",
            Win32Error.ERROR_ACCESS_DENIED.name(),
            Win32Error.ERROR_ACCESS_DENIED.code(),
            "share",
            shareRoot);
        throw ShimException.win32(
            call + "(" + shareRoot + ")",
            Win32Error.ERROR_ACCESS_DENIED,
            "The share needs credentials: log on to it first (WNetAddConnection2).");
      }
    }
    return folder;
  }

  private Path driveFolder(char letter) throws ShimException {
    Optional<Path> fixed = fixedDrive(letter);
    if (fixed.isPresent()) {
      return fixed.get();
    }
    String key = String.valueOf(letter);
    SimState.Mapping[] found = new SimState.Mapping[1];
    boolean otherSession =
        store.read(
            state -> {
              for (SimState.Mapping m : state.mappings) {
                if (m.letter().equals(key) && SimDrives.visible(state, m, session())) {
                  found[0] = m;
                }
              }
              return state.mappings.stream().anyMatch(m -> m.letter().equals(key));
            });
    SimState.Mapping mapping = found[0];
    if (mapping == null) {
      String hint =
          otherSession
              ? letter
                  + ": is mapped in the other logon session only (an elevated process's mappings"
                  + " are invisible to non-elevated ones, and the reverse)."
              : "No drive " + letter + ": on this host.";
      throw ShimException.win32("open " + letter + ":\\", Win32Error.ERROR_PATH_NOT_FOUND, hint);
    }
    if (mapping.stalePort() != null) {
      throw ShimException.win32(
          "open " + letter + ":\\",
          Win32Error.ERROR_BAD_NETPATH,
          "WebClient still talks to the cached port "
              + mapping.stalePort()
              + ": delete every mapping to that port first (net use X: /delete).");
    }
    if (SimDrives.isWebDav(mapping.remote())) {
      throw ShimException.win32(
          "open " + letter + ":\\",
          Win32Error.ERROR_NOT_SUPPORTED,
          "WebDAV drive "
              + letter
              + ": is served by "
              + mapping.remote()
              + "; the simulated host does not proxy WebDAV, talk to that URL directly.");
    }
    return shareFolder(mapping.remote(), "open " + letter + ":\\");
  }

  private static Path descend(Path base, List<String> segments) {
    Path current = base;
    for (String segment : segments) {
      current = childIgnoringCase(current, segment);
    }
    return current;
  }

  /** {@code dir/name}, or the existing entry whose name equals it ignoring case (NTFS lookup). */
  static Path childIgnoringCase(Path dir, String name) {
    Path exact = dir.resolve(name);
    if (Files.exists(exact, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(dir)) {
      return exact;
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().equalsIgnoreCase(name))
          .findFirst()
          .orElse(exact);
    } catch (IOException e) {
      return exact;
    }
  }

  /** Options of a simulated host. */
  public static final class Builder {
    private final Path root;
    private boolean elevated;
    private Path journal;
    private Path credentialsFile;
    private String webClient = "stopped";
    private boolean createDriveC = true;
    private Clock clock = Clock.systemUTC();
    private String session;
    private String user;
    private java.time.Duration scmControlTimeout = java.time.Duration.ofSeconds(30);

    private Builder(Path root) {
      this.root = root;
    }

    /** Whether this process runs elevated (its own logon session for mappings). */
    public Builder elevated(boolean value) {
      this.elevated = value;
      return this;
    }

    /** Appends one JSON line per call to {@code file}. */
    public Builder journal(Path file) {
      this.journal = file;
      return this;
    }

    /** Share credentials file (README); default {@code <root>/share-credentials.json}. */
    public Builder shareCredentialsFile(Path file) {
      this.credentialsFile = file;
      return this;
    }

    /** WebClient's state in a fresh host: stopped (default), running, disabled or absent. */
    public Builder webClient(String state) {
      this.webClient = state;
      return this;
    }

    /** Whether to create {@code C:} when missing (default true). */
    public Builder withDriveC(boolean value) {
      this.createDriveC = value;
      return this;
    }

    /**
     * {@code service}: this process is a service the SCM launched (LocalSystem, session 0:
     * elevated, and its mappings belong to no user's session); otherwise the session follows {@link
     * #elevated}.
     */
    public Builder session(String value) {
      this.session = value;
      return this;
    }

    /**
     * How long the SCM waits for a control handler to return: 30 s on Windows (HandlerEx docs);
     * shorter only so a test of the rule need not wait half a minute.
     */
    public Builder scmControlTimeout(java.time.Duration value) {
      this.scmControlTimeout = value;
      return this;
    }

    /** The signed-in user this process runs as (default: none, the service as LocalSystem). */
    public Builder user(String value) {
      this.user = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    public SimulatedWindowsHost build() {
      return new SimulatedWindowsHost(this);
    }
  }
}
