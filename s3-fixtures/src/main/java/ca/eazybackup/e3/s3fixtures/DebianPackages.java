package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the Debian packages a test fixture needs (Ceph's daemons, Chromium…) with apt-get when
 * their commands are missing: the project's own build installs what its tests use, so a fresh CI
 * machine needs nothing done by hand. Installing needs root; without it, or without apt-get, {@link
 * Unavailable} says why in one line.
 */
public final class DebianPackages {
  private static final Logger log = LoggerFactory.getLogger(DebianPackages.class);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

  private DebianPackages() {}

  /** The packages cannot be installed here; the message is a one-line reason. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String reason) {
      super(reason);
    }

    Unavailable(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

  /**
   * Installs {@code packages} unless every one of {@code commands} is already on the PATH.
   *
   * @param what a name for messages, e.g. "Ceph"
   * @throws Unavailable when they are missing and cannot be installed
   */
  public static void ensureInstalled(String what, List<String> commands, List<String> packages) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      throw new Unavailable(what + " is installed from Debian's packages, which needs Linux");
    }
    if (missing(commands).isEmpty()) {
      return;
    }
    if (!isRoot()) {
      throw new Unavailable(
          what
              + " is not installed ("
              + missing(commands)
              + " missing) and installing it needs root");
    }
    if (!onPath("apt-get")) {
      throw new Unavailable(what + " is not installed and there is no apt-get to install it");
    }
    // One installer at a time across our JVMs; apt's own lock would make the others fail.
    Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "e3-apt-install.lock");
    try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      if (missing(commands).isEmpty()) {
        return;
      }
      long t0 = System.nanoTime();
      List<String> install = new ArrayList<>(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300"));
      install.addAll(List.of("install", "-y", "-q", "--no-install-recommends"));
      install.addAll(packages);
      Result first = run(install);
      if (first.code() != 0) {
        log.info(
            "event=apt_install_retry what={} reason=apt_get_failed action=apt_get_update", what);
        Result update = run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-q"));
        Result second = update.code() == 0 ? run(install) : update;
        if (second.code() != 0) {
          throw new Unavailable(
              "apt-get could not install "
                  + what
                  + " (exit "
                  + second.code()
                  + "): "
                  + lastLine(second));
        }
      }
      log.info(
          "event=apt_installed what={} packages={} ms={}",
          what,
          packages,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new Unavailable("cannot install " + what + ": " + e.getMessage(), e);
    }
    if (!missing(commands).isEmpty()) {
      throw new Unavailable(
          what + " packages installed but " + missing(commands) + " still missing from PATH");
    }
  }

  /** The commands of {@code commands} not found on the PATH (nor in /usr/sbin, /sbin). */
  public static List<String> missing(List<String> commands) {
    List<String> out = new ArrayList<>();
    for (String c : commands) {
      if (!onPath(c)) {
        out.add(c);
      }
    }
    return out;
  }

  static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException | UncheckedIOException e) {
      log.debug("event=uid_probe_failed error={}", e.toString());
    }
    return false;
  }

  record Result(int code, String output) {}

  private static String lastLine(Result r) {
    String[] lines = r.output().strip().split("\n");
    return lines[lines.length - 1];
  }

  private static Result run(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Path out = Files.createTempFile("e3-apt-", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    try {
      if (!p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.stop(p.toHandle(), Duration.ofSeconds(10));
        throw new Unavailable(
            String.join(" ", command) + " did not finish within " + INSTALL_TIMEOUT);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Processes.stop(p.toHandle(), Duration.ofSeconds(10));
      throw new Unavailable("interrupted while running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
