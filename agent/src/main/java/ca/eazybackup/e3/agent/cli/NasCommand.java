package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.agent.nas.NasException;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.nas.NasServer;
import ca.eazybackup.e3.agent.nas.ServedVolume;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code e3-backup-agent nas ...}: Cloud NAS without the addon. */
@Command(
    name = "nas",
    description = "Cloud NAS: serve an S3 bucket over WebDAV on 127.0.0.1.",
    subcommands = {NasCommand.Serve.class})
final class NasCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code nas serve}: what {@code rclone serve webdav} gives its users. Prints the volume's URL
   * (capability path included) as the first line of standard output, serves until SIGTERM or
   * Ctrl-C, then waits for pending uploads (up to {@code --flush-timeout}) and exits.
   */
  @Command(
      name = "serve",
      description =
          "Serve bucket[/prefix] over WebDAV on 127.0.0.1 until stopped. S3 keys come from"
              + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Prints the URL first.")
  static final class Serve implements Callable<Integer> {
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILED = 4;

    @Option(names = "--endpoint", required = true, description = "S3 endpoint URL")
    String endpoint;

    @Option(names = "--bucket", required = true, description = "bucket to serve")
    String bucket;

    @Option(names = "--prefix", defaultValue = "", description = "serve only this prefix")
    String prefix;

    @Option(names = "--region", defaultValue = "us-east-1", description = "S3 region")
    String region;

    @Option(
        names = "--cache-mode",
        defaultValue = "off",
        description = "off, minimal, writes or full (rclone's meanings; default ${DEFAULT-VALUE})")
    String cacheMode;

    @Option(
        names = "--cache-dir",
        description = "cache folder (default: one per endpoint+bucket+prefix in the user cache)")
    Path cacheDir;

    @Option(
        names = "--cache-size-gb",
        defaultValue = "0",
        description = "clean cache data kept before LRU eviction, GB; 0 = unlimited")
    double cacheSizeGb;

    @Option(names = "--upload-kbps", defaultValue = "0", description = "upload limit, KB/s")
    long uploadKbps;

    @Option(names = "--download-kbps", defaultValue = "0", description = "download limit, KB/s")
    long downloadKbps;

    @Option(names = "--read-only", description = "refuse every write with 403")
    boolean readOnly;

    @Option(names = "--port", defaultValue = "0", description = "port on 127.0.0.1; 0 = free")
    int port;

    @Option(
        names = "--flush-timeout",
        defaultValue = "PT5M",
        description = "how long to wait for pending uploads at exit (ISO-8601, default 5 min)")
    Duration flushTimeout;

    @Option(
        names = "--write-back",
        defaultValue = "PT2S",
        description =
            "cache modes writes/full: how long a saved file waits before its upload (ISO-8601,"
                + " rclone's --vfs-write-back; default 2 s)")
    Duration writeBack;

    @Option(
        names = "--dir-cache-time",
        defaultValue = "PT30S",
        description = "how long a folder listing is trusted (ISO-8601; default 30 s)")
    Duration dirCacheTime;

    /** Environment lookups; tests replace it. */
    Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
      String access = env.apply("AWS_ACCESS_KEY_ID");
      String secret = env.apply("AWS_SECRET_ACCESS_KEY");
      if (access == null || access.isBlank() || secret == null || secret.isBlank()) {
        System.err.println(
            "e3-backup-agent nas serve: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        return EXIT_USAGE;
      }
      NasOptions options;
      try {
        CacheMode mode = CacheMode.parse(cacheMode);
        Path dir = cacheDir;
        if (dir == null && mode != CacheMode.OFF) {
          dir = defaultCacheDir(endpoint, bucket, prefix);
        }
        options =
            new NasOptions(
                mode,
                (long) (cacheSizeGb * (1L << 30)),
                uploadKbps * 1024,
                downloadKbps * 1024,
                readOnly,
                dir,
                writeBack,
                dirCacheTime);
      } catch (IllegalArgumentException e) {
        System.err.println("e3-backup-agent nas serve: " + e.getMessage());
        return EXIT_USAGE;
      }
      S3ClientFactory s3 = new S3ClientFactory();
      S3Target target = new S3Target(endpoint, region, access, secret);
      NasServer server;
      ServedVolume volume;
      try {
        server = NasServer.start(port);
        try {
          volume =
              server.serveBucket(
                  s3,
                  target,
                  bucket,
                  prefix,
                  options,
                  (code, message, params) -> printEvent(code, message, params));
        } catch (NasException e) {
          server.close();
          throw e;
        }
      } catch (NasException e) {
        s3.close();
        System.err.println("e3-backup-agent nas serve: " + e.getMessage());
        return EXIT_FAILED;
      }
      System.out.println(volume.url());
      System.out.flush();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      volume.flush(flushTimeout);
                    } catch (NasException e) {
                      System.err.println("e3-backup-agent nas serve: " + e.getMessage());
                    }
                    volume.close();
                    server.close();
                    s3.close();
                    stopped.countDown();
                  },
                  "nas-serve-shutdown"));
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }

    private static void printEvent(String code, String message, Map<String, Object> params) {
      System.err.println("nas event " + code + ": " + message);
    }

    /** {@code <user cache>/e3-backup-agent/nas/<hash of endpoint, bucket, prefix>}. */
    static Path defaultCacheDir(String endpoint, String bucket, String prefix) {
      String base = System.getenv("LOCALAPPDATA");
      Path root =
          base != null
              ? Path.of(base, "E3Backup", "nas-cache")
              : Path.of(System.getProperty("user.home"), ".cache", "e3-backup-agent", "nas");
      try {
        byte[] d =
            MessageDigest.getInstance("SHA-256")
                .digest(
                    (endpoint + "\n" + bucket + "\n" + prefix).getBytes(StandardCharsets.UTF_8));
        return root.resolve(HexFormat.of().formatHex(d, 0, 12));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
