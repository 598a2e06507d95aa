package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.DriveMapper;
import ca.eazybackup.e3.shims.DriveUse;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.VolumeInfo;
import ca.eazybackup.e3.shims.Volumes;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsKeys;
import ca.eazybackup.e3.shims.WindowsPath;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Drive letters: local drives are the folders under {@code <root>/drives}, network drives are
 * mappings in the process's logon session. A letter in use is refused; a WebDAV mapping needs the
 * WebClient service; WebClient keeps the port of a host while any mapping to it is left, so a new
 * port then gets a stale drive.
 */
final class SimDrives implements DriveMapper, Volumes {

  /** Optional {@code <root>/volumes.json}: letter → label, filesystem, type, size_bytes. */
  record VolumeMeta(String label, String filesystem, String type, Long size_bytes) {}

  private final SimulatedWindowsHost host;

  SimDrives(SimulatedWindowsHost host) {
    this.host = host;
  }

  static boolean isWebDav(String remote) {
    String r = remote.toLowerCase(Locale.ROOT);
    return r.startsWith("http://") || r.startsWith("https://");
  }

  static boolean visible(SimState state, SimState.Mapping m, String session) {
    return m.session().equals(session) || SimRegistry.linkedConnections(state);
  }

  @Override
  public void map(char letter, String remote, boolean persistent) throws ShimException {
    char l = Character.toUpperCase(letter);
    Object[] fields = {"letter", l + ":", "remote", remote, "persistent", persistent};
    String call = "WNetAddConnection2(" + l + ": → " + remote + ")";
    try {
      if (l < 'A' || l > 'Z') {
        throw ShimException.win32(call, Win32Error.ERROR_BAD_DEVICE, null);
      }
      if (host.fixedDrive(l).isPresent()) {
        throw ShimException.win32(
            call, Win32Error.ERROR_ALREADY_ASSIGNED, l + ": is a local drive.");
      }
      if (!isWebDav(remote)) {
        checkUncRemote(remote, call);
      }
      host.store().update(state -> addMapping(state, l, remote, persistent, call));
      host.journal().ok("drive.map", fields);
    } catch (ShimException e) {
      fail("drive.map", e, fields);
      throw e;
    }
  }

  private void checkUncRemote(String remote, String call) throws ShimException {
    WindowsPath parsed = WindowsPath.parse(remote);
    if (parsed.kind() != WindowsPath.Kind.UNC || !parsed.isRoot()) {
      throw ShimException.win32(
          call, Win32Error.ERROR_BAD_NET_NAME, "Expected \\\\server\\share or an http URL.");
    }
    host.shareFolder(parsed.root(), "WNetAddConnection2");
    if (host.credentials().requires(parsed.root())) {
      boolean connected =
          host.store()
              .read(
                  state ->
                      state.connections.stream()
                          .anyMatch(
                              c ->
                                  c.session().equals(host.session())
                                      && c.share().equalsIgnoreCase(parsed.root())));
      if (!connected) {
        throw ShimException.win32(
            call,
            Win32Error.ERROR_ACCESS_DENIED,
            "The share needs credentials: log on to it first.");
      }
    }
  }

  private Void addMapping(SimState state, char l, String remote, boolean persistent, String call)
      throws ShimException {
    String letter = String.valueOf(l);
    for (SimState.Mapping m : state.mappings) {
      if (m.letter().equals(letter) && visible(state, m, host.session())) {
        throw ShimException.win32(
            call,
            Win32Error.ERROR_ALREADY_ASSIGNED,
            l
                + ": is mapped to "
                + m.remote()
                + ": delete that mapping first (net use "
                + l
                + ": /delete).");
      }
    }
    Integer stalePort = null;
    if (isWebDav(remote)) {
      SimState.Service webClient =
          state.services.get(SimState.lower(WindowsKeys.WEBCLIENT_SERVICE));
      if (webClient == null || !webClient.state().equals(ServiceState.RUNNING.name())) {
        throw ShimException.win32(
            call,
            Win32Error.ERROR_BAD_NET_NAME,
            "The WebClient service is not running: start it before mapping a WebDAV drive.");
      }
      URI uri = URI.create(remote);
      String hostKey = SimState.lower(uri.getHost());
      int port = port(uri);
      Integer cached = state.webClientPorts.get(hostKey);
      if (cached != null && cached != port && anyMappingTo(state, hostKey, cached)) {
        stalePort = cached;
      } else {
        state.webClientPorts.put(hostKey, port);
      }
    }
    state.mappings.add(
        new SimState.Mapping(
            letter, remote, host.session(), persistent, stalePort, ProcessHandle.current().pid()));
    state.announced.remove(letter);
    return null;
  }

  @Override
  public void unmap(char letter) throws ShimException {
    char l = Character.toUpperCase(letter);
    String key = String.valueOf(l);
    boolean removed =
        host.store()
            .update(
                state -> {
                  boolean any =
                      state.mappings.removeIf(
                          m -> m.letter().equals(key) && visible(state, m, host.session()));
                  // WebClient forgets a host's port once no mapping uses it any more.
                  state
                      .webClientPorts
                      .entrySet()
                      .removeIf(e -> !anyMappingTo(state, e.getKey(), e.getValue()));
                  if (any) {
                    state.announced.remove(key);
                  }
                  return any;
                });
    host.journal().ok("drive.unmap", "letter", l + ":", "existed", removed);
  }

  @Override
  public DriveUse probe(char letter) throws ShimException {
    char l = Character.toUpperCase(letter);
    if (l < 'A' || l > 'Z') {
      throw ShimException.win32("GetDriveType(" + letter + ":)", Win32Error.ERROR_BAD_DEVICE, null);
    }
    if (host.fixedDrive(l).isPresent()) {
      return new DriveUse(l, DriveUse.Kind.LOCAL, null);
    }
    String key = String.valueOf(l);
    return host.store()
        .read(
            state ->
                state.mappings.stream()
                    .filter(m -> m.letter().equals(key) && visible(state, m, host.session()))
                    .findFirst()
                    .map(m -> new DriveUse(l, DriveUse.Kind.NETWORK, m.remote()))
                    .orElse(DriveUse.free(l)));
  }

  @Override
  public Map<Character, String> mappings() {
    try {
      return host.store()
          .read(
              state -> {
                Map<Character, String> out = new TreeMap<>();
                for (SimState.Mapping m : state.mappings) {
                  if (visible(state, m, host.session())) {
                    out.put(m.letter().charAt(0), m.remote());
                  }
                }
                return out;
              });
    } catch (ShimException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public List<VolumeInfo> list() throws ShimException {
    Map<String, VolumeMeta> meta = volumeMeta();
    List<VolumeInfo> out = new ArrayList<>();
    for (char letter : host.fixedDriveLetters()) {
      VolumeMeta m =
          meta.getOrDefault(String.valueOf(letter), new VolumeMeta(null, null, null, null));
      Path folder = host.fixedDrive(letter).orElseThrow();
      out.add(
          new VolumeInfo(
              letter + ":",
              m.label() != null ? m.label() : "Local Disk",
              m.size_bytes() != null ? m.size_bytes() : totalSpace(folder),
              m.filesystem() != null ? m.filesystem() : "NTFS",
              m.type() != null ? m.type() : "fixed",
              null));
    }
    List<SimState.Mapping> mapped =
        host.store()
            .read(
                state ->
                    state.mappings.stream()
                        .filter(m -> visible(state, m, host.session()))
                        .toList());
    for (SimState.Mapping m : mapped) {
      String unc = WindowsKeys.uncOf(m.remote());
      Optional<String> label =
          host.registry()
              .getString(WindowsKeys.mountPointKey(m.remote()), WindowsKeys.LABEL_FROM_REG);
      long size = 0;
      String defaultLabel = "DavWWWRoot";
      if (!isWebDav(m.remote())) {
        defaultLabel = WindowsPath.parse(m.remote()).share();
        try {
          size = totalSpace(host.shareFolder(m.remote(), "GetDiskFreeSpaceEx"));
        } catch (ShimException e) {
          size = 0;
        }
      }
      out.add(
          new VolumeInfo(
              m.letter() + ":", label.orElse(defaultLabel), size, "NTFS", "network", unc));
    }
    out.sort((a, b) -> a.path().compareToIgnoreCase(b.path()));
    return out;
  }

  private Map<String, VolumeMeta> volumeMeta() throws ShimException {
    Path file = host.root().resolve("volumes.json");
    if (!Files.exists(file)) {
      return Map.of();
    }
    try {
      Map<String, VolumeMeta> raw =
          SimStore.JSON.readValue(
              Files.readAllBytes(file), new TypeReference<Map<String, VolumeMeta>>() {});
      Map<String, VolumeMeta> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      out.putAll(raw);
      return out;
    } catch (IOException e) {
      throw new ShimException("simulated volumes file " + file + " unreadable: " + e, e);
    }
  }

  private static long totalSpace(Path folder) {
    try {
      return Files.getFileStore(folder).getTotalSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean anyMappingTo(SimState state, String hostKey, int port) {
    return state.mappings.stream()
        .filter(m -> isWebDav(m.remote()))
        .map(m -> URI.create(m.remote()))
        .anyMatch(u -> SimState.lower(u.getHost()).equals(hostKey) && port(u) == port);
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private void fail(String op, ShimException e, Object... fields) {
    Win32Error error = e.error();
    host.journal().failed(op, error == null ? "UNKNOWN" : error.name(), e.errorCode(), fields);
  }
}
