package ca.eazybackup.e3.s3fixtures;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops processes by PID: SIGTERM, wait, then SIGKILL. Never by name. */
final class Processes {
  private static final Logger log = LoggerFactory.getLogger(Processes.class);

  private Processes() {}

  /** Stops all given processes together and waits until each is gone. */
  static void stop(List<ProcessHandle> processes, Duration grace) {
    for (ProcessHandle p : processes) {
      if (p.isAlive()) {
        p.destroy();
      }
    }
    for (ProcessHandle p : processes) {
      if (!awaitExit(p, grace)) {
        log.warn("event=process_kill pid={} reason=no_exit_after_sigterm grace={}", p.pid(), grace);
        p.destroyForcibly();
        if (!awaitExit(p, Duration.ofSeconds(10))) {
          log.error("event=process_unkillable pid={}", p.pid());
        }
      }
    }
  }

  static void stop(ProcessHandle process, Duration grace) {
    stop(List.of(process), grace);
  }

  static boolean awaitExit(ProcessHandle p, Duration timeout) {
    if (!p.isAlive()) {
      return true;
    }
    CompletableFuture<ProcessHandle> exit = p.onExit();
    try {
      exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !p.isAlive();
    } catch (ExecutionException e) {
      return !p.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  /** The live process with this pid whose command line contains {@code marker}, if any. */
  static Optional<ProcessHandle> liveWithMarker(long pid, String marker) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            p -> {
              ProcessHandle.Info info = p.info();
              String cmd = info.commandLine().orElseGet(() -> info.command().orElse("")).toString();
              return cmd.contains(marker);
            });
  }

  /** Registers a JVM shutdown hook; the returned handle unregisters it. */
  static Runnable onJvmExit(String name, Runnable action) {
    Thread hook = new Thread(action, name);
    Runtime.getRuntime().addShutdownHook(hook);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to; nothing to undo
      }
    };
  }
}
