package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A single-node Ceph cluster with RADOS Gateway (Debian's Ceph 16.2) in a temp dir on free loopback
 * ports: 1 mon, 1 mgr, 1 memstore OSD, radosgw. The packages are installed when missing (root
 * only). Daemons are stopped by the PIDs in their pid files, rgw first, then osd and mgr, then mon;
 * by close(), by a JVM shutdown hook, by a watchdog process if the JVM is killed, and by the next
 * start if all of that failed.
 */
final class CephFixture extends AbstractS3Fixture {
  private static final Logger log = LoggerFactory.getLogger(CephFixture.class);
  private static final String TEMP_PREFIX = "e3-ceph-";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  /** Ceph daemons (OSD, mgr) bind ports in ms_bind_port_min..max; ours must stay outside. */
  private static final int CEPH_PORT_MIN = 6800;

  private static final int CEPH_PORT_MAX = 7300;
  private static final List<List<String>> STOP_ORDER =
      List.of(List.of("client.rgw.a"), List.of("osd.0", "mgr.x"), List.of("mon.a"));

  private final Path dir;
  private final Path cluster;
  private final Process watchdog;
  private final Runnable unhook;

  private CephFixture(
      URI endpoint,
      String accessKey,
      String secretKey,
      Path dir,
      Path cluster,
      Process watchdog,
      Runnable unhook) {
    super("ceph", endpoint, "us-east-1", accessKey, secretKey);
    this.dir = dir;
    this.cluster = cluster;
    this.watchdog = watchdog;
    this.unhook = unhook;
  }

  static S3Fixture start() {
    CephPackages.ensureInstalled();
    sweepDeadRuns();
    long t0 = System.nanoTime();
    Path dir = TempDirs.create(TEMP_PREFIX);
    Path cluster = dir.resolve("cluster");
    Runnable unhook =
        Processes.onJvmExit(
            "ceph-stop-" + dir.getFileName(),
            () -> {
              stopDaemons(cluster);
              TempDirs.deleteQuietly(dir);
            });
    Process watchdog = null;
    try {
      Path bin = Files.createDirectories(dir.resolve("bin"));
      Path startScript = extract("start-cluster.sh", bin);
      Path watchdogScript = extract("watchdog.sh", bin);
      SecureRandom random = new SecureRandom();
      String accessKey =
          "E3TEST" + randomString(random, 14, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
      String secretKey = randomString(random, 40, "abcdefghijklmnopqrstuvwxyz0123456789");
      int rgwPort = FreePorts.pickOutside(CEPH_PORT_MIN, CEPH_PORT_MAX);
      int monPort = FreePorts.pickOutside(CEPH_PORT_MIN, CEPH_PORT_MAX);
      int monPort2 = FreePorts.pickOutside(CEPH_PORT_MIN, CEPH_PORT_MAX);
      if (rgwPort == monPort || rgwPort == monPort2 || monPort == monPort2) {
        throw new S3FixtureException("free port picker returned duplicates; retry");
      }
      watchdog =
          new ProcessBuilder(
                  "setsid",
                  watchdogScript.toString(),
                  String.valueOf(ProcessHandle.current().pid()),
                  cluster.toString(),
                  dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Path logFile = dir.resolve("start.log");
      ProcessBuilder pb =
          new ProcessBuilder("bash", startScript.toString())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      pb.environment().put("CEPH_DIR", cluster.toString());
      pb.environment().put("RGW_PORT", String.valueOf(rgwPort));
      pb.environment().put("MON_PORT", String.valueOf(monPort));
      pb.environment().put("MON_PORT2", String.valueOf(monPort2));
      pb.environment().put("S3_ACCESS_KEY", accessKey);
      pb.environment().put("S3_SECRET_KEY", secretKey);
      pb.environment().put("OSD_BYTES", System.getProperty("e3.ceph.osdBytes", "4G"));
      if (!Boolean.parseBoolean(System.getProperty("e3.ceph.mgr", "true"))) {
        pb.environment().put("NO_MGR", "1");
      }
      pb.environment().put("PATH", pb.environment().getOrDefault("PATH", "") + ":/usr/sbin:/sbin");
      Process script = pb.start();
      script.getOutputStream().close();
      if (!script.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.stop(script.toHandle(), Duration.ofSeconds(5));
        throw new S3FixtureException(
            "Ceph did not start within " + START_TIMEOUT + ":\n" + TempDirs.tail(logFile, 20));
      }
      if (script.exitValue() != 0) {
        throw new S3FixtureException(
            "Ceph start script failed (exit "
                + script.exitValue()
                + "), logs in "
                + cluster.resolve("log")
                + ":\n"
                + TempDirs.tail(logFile, 20));
      }
      URI endpoint = URI.create("http://127.0.0.1:" + rgwPort);
      awaitS3(endpoint, accessKey, secretKey);
      log.info(
          "event=ceph_started endpoint={} dir={} startup_ms={} daemons={}",
          endpoint,
          dir,
          (System.nanoTime() - t0) / 1_000_000,
          daemonPids(cluster));
      return new CephFixture(endpoint, accessKey, secretKey, dir, cluster, watchdog, unhook);
    } catch (IOException | RuntimeException e) {
      stopDaemons(cluster);
      if (watchdog != null) {
        Processes.stop(watchdog.toHandle(), Duration.ofSeconds(2));
      }
      unhook.run();
      String logs = TempDirs.tail(dir.resolve("start.log"), 5);
      TempDirs.deleteQuietly(dir);
      if (e instanceof S3FixtureException se) {
        throw se;
      }
      throw new S3FixtureException("cannot start Ceph: " + e.getMessage() + "\n" + logs, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopDaemons(cluster);
      unhook.run();
      TempDirs.deleteQuietly(dir);
      throw new S3FixtureException("interrupted while starting Ceph", e);
    }
  }

  /** RGW answers on its port before the user exists everywhere: wait for a signed request. */
  private static void awaitS3(URI endpoint, String accessKey, String secretKey) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (S3Client probe = S3Clients.pathStyle(endpoint, "us-east-1", accessKey, secretKey)) {
      while (true) {
        try {
          probe.listBuckets();
          return;
        } catch (SdkException e) {
          if (System.nanoTime() > deadline) {
            throw new S3FixtureException("RGW at " + endpoint + " rejects requests: " + e, e);
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new S3FixtureException("interrupted while waiting for RGW", ie);
        }
      }
    }
  }

  private static Path extract(String name, Path bin) throws IOException {
    Path target = bin.resolve(name);
    try (InputStream in = CephFixture.class.getResourceAsStream("ceph/" + name)) {
      if (in == null) {
        throw new IOException("resource ceph/" + name + " missing from the s3-fixtures jar");
      }
      Files.copy(in, target);
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    return target;
  }

  private static String randomString(SecureRandom random, int n, String alphabet) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Live daemons of this cluster, by name, from the pid files. */
  static List<String> daemonPids(Path cluster) {
    List<String> out = new ArrayList<>();
    for (List<String> group : STOP_ORDER) {
      for (String name : group) {
        daemon(cluster, name).ifPresent(p -> out.add(name + "=" + p.pid()));
      }
    }
    return out;
  }

  /** The live process named in {@code run/<name>.pid} if its command line names this cluster. */
  static Optional<ProcessHandle> daemon(Path cluster, String name) {
    Path pidFile = cluster.resolve("run").resolve(name + ".pid");
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return Processes.liveWithMarker(pid, cluster.resolve("ceph.conf").toString());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** rgw first (it hangs if the OSD goes first), then osd and mgr, then mon. */
  static void stopDaemons(Path cluster) {
    for (List<String> group : STOP_ORDER) {
      List<ProcessHandle> live = new ArrayList<>();
      for (String name : group) {
        daemon(cluster, name).ifPresent(live::add);
      }
      if (!live.isEmpty()) {
        Processes.stop(live, STOP_GRACE);
      }
    }
  }

  /** Stops clusters of JVMs that died without stopping them, and removes their directories. */
  private static void sweepDeadRuns() {
    Path base =
        Path.of(System.getProperty("e3.s3fixture.tmpdir", System.getProperty("java.io.tmpdir")));
    try (var dirs = Files.newDirectoryStream(base, TEMP_PREFIX + "*")) {
      for (Path d : dirs) {
        Path owner = d.resolve("owner.pid");
        if (!Files.isRegularFile(owner)) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(Files.readString(owner).trim());
        } catch (NumberFormatException e) {
          continue;
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        log.info(
            "event=ceph_dead_run_cleanup dir={} daemons={}", d, daemonPids(d.resolve("cluster")));
        stopDaemons(d.resolve("cluster"));
        TempDirs.deleteQuietly(d);
      }
    } catch (IOException e) {
      log.debug("event=ceph_sweep_failed error={}", e.toString());
    }
  }

  Path clusterDir() {
    return cluster;
  }

  @Override
  void stopServer() {
    long t0 = System.nanoTime();
    stopDaemons(cluster);
    Processes.stop(watchdog.toHandle(), Duration.ofSeconds(2));
    unhook.run();
    TempDirs.deleteQuietly(dir);
    log.info("event=ceph_stopped dir={} ms={}", dir, (System.nanoTime() - t0) / 1_000_000);
  }
}
