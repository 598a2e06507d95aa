package ca.eazybackup.e3.agent.testing;

import ca.eazybackup.e3.shims.DriveMapper;
import ca.eazybackup.e3.shims.Elevation;
import ca.eazybackup.e3.shims.NetworkShares;
import ca.eazybackup.e3.shims.Registry;
import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.Services;
import ca.eazybackup.e3.shims.ShellNotifier;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Volumes;
import ca.eazybackup.e3.shims.WindowsHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal Windows host for runtime tests: Windows paths map to local folders given by the test,
 * service control calls are recorded, WebClient's state is settable.
 */
public final class TestHost implements WindowsHost {
  private final Map<String, Path> paths = new ConcurrentHashMap<>();
  public final List<String> serviceCalls = new CopyOnWriteArrayList<>();
  public volatile boolean elevated;
  public volatile ServiceState webClient = ServiceState.RUNNING;

  public TestHost map(String windowsPath, Path local) {
    paths.put(windowsPath, local);
    return this;
  }

  @Override
  public Path resolve(String path) throws ShimException {
    Path p = paths.get(path);
    if (p == null) {
      throw new ShimException("path " + path + " does not exist on the test host");
    }
    return p;
  }

  @Override
  public DriveMapper drives() {
    throw new UnsupportedOperationException("drives");
  }

  @Override
  public Volumes volumes() {
    return () -> List.of();
  }

  /** Registry values written through this host, by "key|name". */
  public final java.util.Map<String, String> registryValues =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public Registry registry() {
    return new Registry() {
      @Override
      public java.util.Optional<String> getString(String key, String name) {
        return java.util.Optional.ofNullable(registryValues.get(key + "|" + name));
      }

      @Override
      public void setString(String key, String name, String value) {
        registryValues.put(key + "|" + name, value);
      }

      @Override
      public java.util.Optional<Integer> getDword(String key, String name) {
        return getString(key, name).map(Integer::valueOf);
      }

      @Override
      public void setDword(String key, String name, int value) {
        registryValues.put(key + "|" + name, Integer.toString(value));
      }

      @Override
      public void deleteValue(String key, String name) {
        registryValues.remove(key + "|" + name);
      }
    };
  }

  @Override
  public Services services() {
    return new Services() {
      @Override
      public ServiceState state(String serviceName) {
        return webClient;
      }

      @Override
      public void start(String serviceName) {
        webClient = ServiceState.RUNNING;
      }
    };
  }

  @Override
  public ShellNotifier shell() {
    throw new UnsupportedOperationException("shell");
  }

  @Override
  public Elevation elevation() {
    return () -> elevated;
  }

  @Override
  public NetworkShares networkShares() {
    return new NetworkShares() {
      @Override
      public void connect(String shareRoot, String username, char[] password, String domain) {}

      @Override
      public void disconnect(String shareRoot) {}
    };
  }

  @Override
  public ServiceControl serviceControl() {
    return new ServiceControl() {
      @Override
      public void install(String name, String displayName, List<String> commandLine) {
        serviceCalls.add("install " + name + " " + String.join(" ", commandLine));
      }

      @Override
      public void setPreshutdownTimeout(String name, java.time.Duration timeout) {
        serviceCalls.add("preshutdown " + name + " " + timeout.toMillis());
      }

      @Override
      public void uninstall(String name) {
        serviceCalls.add("uninstall " + name);
      }

      @Override
      public void start(String name) {
        serviceCalls.add("start " + name);
      }

      @Override
      public void stop(String name) {
        serviceCalls.add("stop " + name);
      }

      @Override
      public ServiceState state(String name) {
        return ServiceState.RUNNING;
      }
    };
  }
}
