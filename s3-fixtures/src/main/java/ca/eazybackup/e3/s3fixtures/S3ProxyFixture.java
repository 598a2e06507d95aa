package ca.eazybackup.e3.s3fixtures;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy with the jclouds filesystem backend, run as a child JVM (its Jetty 11 must never share a
 * classpath with our Jetty 12), on 127.0.0.1 with random credentials. The temp dir holds the data,
 * the properties and {@code s3proxy.log}; it is deleted on close.
 */
final class S3ProxyFixture extends AbstractS3Fixture {
  private static final Logger log = LoggerFactory.getLogger(S3ProxyFixture.class);
  private static final String REGION = "us-east-1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int PORT_ATTEMPTS = 3;
  private static final String TEMP_PREFIX = "e3-s3proxy-";

  private final Process process;
  private final Path dir;
  private final Runnable unhook;

  private S3ProxyFixture(
      URI endpoint,
      String accessKey,
      String secretKey,
      Process process,
      Path dir,
      Runnable unhook) {
    super("s3proxy", endpoint, REGION, accessKey, secretKey);
    this.process = process;
    this.dir = dir;
    this.unhook = unhook;
  }

  /** The child's PID, so tests can prove it is gone after close. */
  long pid() {
    return process.pid();
  }

  Path directory() {
    return dir;
  }

  static S3ProxyFixture start() {
    Path jar = S3ProxyJar.locate();
    long t0 = System.nanoTime();
    Path dir = TempDirs.create(TEMP_PREFIX);
    TempDirs.sweepOrphans(TEMP_PREFIX);
    SecureRandom random = new SecureRandom();
    String accessKey = "e3test" + hex(random, 7);
    String secretKey = hex(random, 20);
    try {
      Path data = Files.createDirectories(dir.resolve("data"));
      for (int attempt = 1; ; attempt++) {
        int port = FreePorts.pick();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path props = writeProperties(dir, endpoint, accessKey, secretKey, data);
        Path logFile = dir.resolve("s3proxy.log");
        Process process = launch(jar, launcherDir(dir), props, logFile);
        Runnable unhook =
            Processes.onJvmExit(
                "s3proxy-stop-" + process.pid(),
                () -> {
                  Processes.stop(process.toHandle(), STOP_GRACE);
                  TempDirs.deleteQuietly(dir);
                });
        try {
          awaitReady(process, port, endpoint, accessKey, secretKey, logFile);
          log.info(
              "event=s3proxy_started endpoint={} pid={} dir={} startup_ms={}",
              endpoint,
              process.pid(),
              dir,
              (System.nanoTime() - t0) / 1_000_000);
          return new S3ProxyFixture(endpoint, accessKey, secretKey, process, dir, unhook);
        } catch (PortLostException e) {
          Processes.stop(process.toHandle(), STOP_GRACE);
          unhook.run();
          if (attempt >= PORT_ATTEMPTS) {
            throw new S3FixtureException(
                "S3Proxy could not bind a free port after " + attempt + " attempts", e);
          }
          log.info("event=s3proxy_port_taken port={} attempt={}", port, attempt);
        } catch (RuntimeException e) {
          Processes.stop(process.toHandle(), STOP_GRACE);
          unhook.run();
          throw e;
        }
      }
    } catch (IOException e) {
      TempDirs.deleteQuietly(dir);
      throw new S3FixtureException("cannot start S3Proxy in " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      TempDirs.deleteQuietly(dir);
      throw e;
    }
  }

  private static Path writeProperties(
      Path dir, URI endpoint, String accessKey, String secretKey, Path data) throws IOException {
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", endpoint.toString());
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", accessKey);
    p.setProperty("s3proxy.credential", secretKey);
    // The SDK sends headers S3Proxy does not know (x-amz-sdk-checksum-algorithm...).
    p.setProperty("s3proxy.ignore-unknown-headers", "true");
    // Signed single PUTs are buffered to check the signature; allow large ones.
    p.setProperty("s3proxy.v4-max-non-chunked-request-size", String.valueOf(256L << 20));
    // filesystem-nio2, unlike jclouds' filesystem, does not list every directory as a "dir/"
    // object, which real S3 never does.
    p.setProperty("jclouds.provider", System.getProperty("e3.s3proxy.provider", "filesystem-nio2"));
    p.setProperty("jclouds.filesystem.basedir", data.toString());
    // required by the nio2 provider, unused by a local filesystem
    p.setProperty("jclouds.identity", "local");
    p.setProperty("jclouds.credential", "local");
    Path file = dir.resolve("s3proxy.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "written by e3 s3-fixtures");
    }
    return file;
  }

  /** Copies {@link S3ProxyLauncher}'s class file, alone, into {@code dir/launcher}. */
  private static Path launcherDir(Path dir) throws IOException {
    Path classDir = dir.resolve("launcher");
    String name = S3ProxyLauncher.class.getName().replace('.', '/') + ".class";
    Path target = classDir.resolve(name);
    if (!Files.exists(target)) {
      Files.createDirectories(target.getParent());
      try (InputStream in = S3ProxyLauncher.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("class file " + name + " not found on our classpath");
        }
        Files.copy(in, target);
      }
    }
    return classDir;
  }

  private static Process launch(Path jar, Path launcher, Path props, Path logFile)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String heap = System.getProperty("e3.s3proxy.xmx", "1g");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx" + heap,
                    "-XX:+UseParallelGC",
                    "-Dfile.encoding=UTF-8",
                    "-Dsun.jnu.encoding=UTF-8",
                    "-De3.s3proxy.orphanCleanup=" + launcher.getParent(),
                    "-cp",
                    launcher + File.pathSeparator + jar,
                    S3ProxyLauncher.class.getName(),
                    "--properties",
                    props.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    // Non-ASCII object names must map to UTF-8 file names in the filesystem backend.
    builder.environment().putIfAbsent("LC_ALL", "C.UTF-8");
    builder.environment().put("LOG_LEVEL", System.getProperty("e3.s3proxy.logLevel", "info"));
    // stdin stays an open pipe: the launcher exits when it closes, i.e. when we die
    return builder.start();
  }

  private static void awaitReady(
      Process process, int port, URI endpoint, String accessKey, String secretKey, Path logFile) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String tail = TempDirs.tail(logFile, 30);
        if (tail.contains("Address already in use") || tail.contains("BindException")) {
          throw new PortLostException();
        }
        throw new S3FixtureException(
            "S3Proxy exited with code "
                + process.exitValue()
                + " during start-up; last log lines:\n"
                + tail);
      }
      if (FreePorts.accepts(port)) {
        if (answersAsUs(endpoint, accessKey, secretKey)) {
          return;
        }
        if (!process.isAlive()) {
          continue;
        }
      }
      pause(Duration.ofMillis(25));
    }
    throw new S3FixtureException(
        "S3Proxy did not answer on "
            + endpoint
            + " within "
            + START_TIMEOUT
            + "; last log lines:\n"
            + TempDirs.tail(logFile, 30));
  }

  /** True when the server on the port accepts our random credentials, i.e. it is our child. */
  private static boolean answersAsUs(URI endpoint, String accessKey, String secretKey) {
    try (S3Client probe = S3Clients.pathStyle(endpoint, REGION, accessKey, secretKey)) {
      probe.listBuckets();
      return true;
    } catch (SdkException e) {
      return false;
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new S3FixtureException("interrupted while waiting for S3Proxy", e);
    }
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Override
  void stopServer() {
    Processes.stop(process.toHandle(), STOP_GRACE);
    unhook.run();
    TempDirs.deleteQuietly(dir);
    log.info("event=s3proxy_stopped pid={} exit={}", process.pid(), exitCode());
  }

  private String exitCode() {
    try {
      return String.valueOf(process.exitValue());
    } catch (IllegalThreadStateException e) {
      return "running";
    }
  }

  /** The picked port was taken by someone else before S3Proxy bound it. */
  private static final class PortLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }
}
