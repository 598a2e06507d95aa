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

/** Makes sure Debian's Ceph daemons are installed, installing them with apt-get as root. */
final class CephPackages {
  private static final Logger log = LoggerFactory.getLogger(CephPackages.class);
  static final List<String> COMMANDS =
      List.of("radosgw", "radosgw-admin", "ceph", "ceph-mon", "ceph-osd", "ceph-mgr", "monmaptool");
  private static final List<String> PACKAGES =
      List.of("ceph-mon", "ceph-osd", "ceph-mgr", "radosgw", "ceph-common");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

  private CephPackages() {}

  /** Installs what is missing or throws {@link S3FixtureUnavailableException} saying why not. */
  static void ensureInstalled() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      throw new S3FixtureUnavailableException("the Ceph fixture needs Linux");
    }
    if (missing().isEmpty()) {
      return;
    }
    if (!isRoot()) {
      throw new S3FixtureUnavailableException(
          "Ceph is not installed (" + missing() + " missing) and installing it needs root");
    }
    if (!onPath("apt-get")) {
      throw new S3FixtureUnavailableException(
          "Ceph is not installed and there is no apt-get to install it");
    }
    // One installer at a time across our JVMs; apt's own lock would make the others fail.
    Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "e3-ceph-install.lock");
    try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      if (missing().isEmpty()) {
        return;
      }
      long t0 = System.nanoTime();
      List<String> install = new ArrayList<>(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300"));
      install.addAll(List.of("install", "-y", "-q", "--no-install-recommends"));
      install.addAll(PACKAGES);
      Result first = run(install);
      if (first.code() != 0) {
        log.info("event=ceph_install_retry reason=apt_get_failed action=apt_get_update");
        Result update = run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-q"));
        Result second = update.code() == 0 ? run(install) : update;
        if (second.code() != 0) {
          throw new S3FixtureUnavailableException(
              "apt-get could not install Ceph (exit " + second.code() + "): " + lastLine(second));
        }
      }
      log.info(
          "event=ceph_installed packages={} ms={}", PACKAGES, (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new S3FixtureUnavailableException("cannot install Ceph: " + e.getMessage(), e);
    }
    if (!missing().isEmpty()) {
      throw new S3FixtureUnavailableException(
          "Ceph packages installed but " + missing() + " still missing from PATH");
    }
  }

  static List<String> missing() {
    List<String> out = new ArrayList<>();
    for (String c : COMMANDS) {
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
        throw new S3FixtureUnavailableException(
            String.join(" ", command) + " did not finish within " + INSTALL_TIMEOUT);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Processes.stop(p.toHandle(), Duration.ofSeconds(10));
      throw new S3FixtureException("interrupted while running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
