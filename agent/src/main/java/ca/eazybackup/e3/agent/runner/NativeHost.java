package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.shims.DriveMapper;
import ca.eazybackup.e3.shims.Elevation;
import ca.eazybackup.e3.shims.NetworkShares;
import ca.eazybackup.e3.shims.Registry;
import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.Services;
import ca.eazybackup.e3.shims.ShellNotifier;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Volumes;
import ca.eazybackup.e3.shims.WindowsHost;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host to use: {@link WindowsHost#current()}, or, while this build has no shims implementation,
 * a stand-in whose paths are native paths and whose Windows features answer "not available" - so
 * backups of local folders still work everywhere.
 */
public final class NativeHost {
  private static final Logger log = LoggerFactory.getLogger(NativeHost.class);

  private NativeHost() {}

  public static WindowsHost currentOrNative() {
    try {
      return WindowsHost.current();
    } catch (RuntimeException | LinkageError e) {
      log.warn("host.shims_unavailable fallback=native error={}", e.toString());
      return standIn();
    }
  }

  static WindowsHost standIn() {
    return new WindowsHost() {
      @Override
      public DriveMapper drives() {
        return unavailable(DriveMapper.class);
      }

      @Override
      public Volumes volumes() {
        return unavailable(Volumes.class);
      }

      @Override
      public Registry registry() {
        return unavailable(Registry.class);
      }

      @Override
      public Services services() {
        return unavailable(Services.class);
      }

      @Override
      public ShellNotifier shell() {
        return unavailable(ShellNotifier.class);
      }

      @Override
      public Elevation elevation() {
        return () -> false;
      }

      @Override
      public NetworkShares networkShares() {
        return unavailable(NetworkShares.class);
      }

      @Override
      public ServiceControl serviceControl() {
        return unavailable(ServiceControl.class);
      }

      @Override
      public Path resolve(String path) throws ShimException {
        try {
          return Path.of(path);
        } catch (InvalidPathException e) {
          throw new ShimException("'" + path + "' is not a path on this host: " + e.getReason());
        }
      }

      @Override
      public String toString() {
        return "native host (no Windows shims)";
      }
    };
  }

  private static <T> T unavailable(Class<T> type) {
    InvocationHandler h =
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "toString" -> {
              return "unavailable " + type.getSimpleName();
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            case "equals" -> {
              return proxy == args[0];
            }
            default -> {}
          }
          String msg =
              type.getSimpleName()
                  + "."
                  + method.getName()
                  + " is not available in this build: the Windows shims are missing";
          if (Arrays.asList(method.getExceptionTypes()).contains(ShimException.class)) {
            throw new ShimException(msg);
          }
          throw new UnsupportedOperationException(msg);
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }
}
