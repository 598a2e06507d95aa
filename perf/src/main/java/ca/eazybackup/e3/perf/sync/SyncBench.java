package ca.eazybackup.e3.perf.sync;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.progress.ProgressSnapshot;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.sync.SyncEngine;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our side of perf/sync-bench.sh: either one resident process that runs the steps it reads on
 * stdin, as the agent service does ({@code resident}), or one process per step ({@code sync},
 * {@code restore}: a cold JVM each, timed like the rclone process it is compared with):
 *
 * <pre>
 * server INFO_FILE              start the one S3 server, write its endpoint/keys, run until killed
 * dataset DIR                   write the peer-baseline tree (seed 42)
 * sync INFO_FILE BUCKET SRC CACHE [PARALLELISM]
 * restore INFO_FILE BUCKET TARGET CACHE [PARALLELISM]
 * resident                      read "sync|restore INFO BUCKET DIR CACHE [PAR]" lines on stdin
 * </pre>
 */
public final class SyncBench {
  private SyncBench() {}

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "server" -> server(Path.of(args[1]));
      case "dataset" -> dataset(Path.of(args[1]));
      case "sync", "restore" -> run(args);
      case "resident" -> resident();
      default -> {
        System.err.println(
            "usage: server INFO | dataset DIR | sync|restore INFO BUCKET DIR CACHE [PAR] | resident");
        System.exit(2);
      }
    }
  }

  private static void server(Path info) throws Exception {
    S3Fixture s3 = S3Fixture.start();
    Properties p = new Properties();
    p.setProperty("endpoint", s3.endpoint().toString());
    p.setProperty("region", s3.region());
    p.setProperty("accessKey", s3.accessKey());
    p.setProperty("secretKey", s3.secretKey());
    p.setProperty("kind", s3.kind());
    Path tmp = info.resolveSibling(info.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "sync-bench S3 server");
    }
    Files.move(tmp, info, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("server " + s3.kind() + " " + s3.endpoint());
    Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
    Thread.currentThread().join(); // until the script kills us; the hook stops S3Proxy
  }

  private static void dataset(Path dir) {
    TreeManifest m = TestTree.generate(TreeSpec.peerBaseline(), 42, dir);
    System.out.println("dataset " + dir + " " + m);
  }

  private static void run(String[] args) throws Exception {
    long t0 = System.nanoTime();
    RunOutcome outcome;
    try (S3ClientFactory factory = new S3ClientFactory()) {
      outcome = step(factory, args);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "%s status=%s engine_seconds=%.3f %s%n",
        args[0], outcome.status(), seconds, outcome.stats());
    if (outcome.status() != ca.eazybackup.e3.agent.engine.RunStatus.SUCCESS) {
      System.out.println(outcome.message());
      System.exit(1);
    }
  }

  /**
   * The agent as it runs in production: one resident JVM with one {@link S3ClientFactory} that runs
   * every step it is sent on stdin ({@code sync|restore INFO BUCKET DIR CACHE [PAR]}, one per
   * line). Each step answers one line on stdout, {@code done SECONDS CPU_SECONDS STATUS}, so the
   * script can time it between the peer's steps; the JVM's start and JIT warm-up are paid once, as
   * the agent service pays them.
   */
  private static void resident() throws Exception {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    java.io.BufferedReader in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    try (S3ClientFactory factory = new S3ClientFactory()) {
      String line;
      while ((line = in.readLine()) != null && !line.isBlank()) {
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        String status;
        try {
          RunOutcome outcome = step(factory, line.trim().split("\\s+"));
          status = outcome.status().name();
          System.err.printf("%s status=%s %s%n", line, status, outcome.stats());
          if (outcome.status() != ca.eazybackup.e3.agent.engine.RunStatus.SUCCESS) {
            System.err.println(outcome.message());
          }
        } catch (Exception e) {
          status = "ERROR";
          System.err.println(line + " failed:");
          e.printStackTrace();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        System.out.printf("done %.3f %.3f %s%n", seconds, cpu, status);
        System.out.flush();
      }
    }
  }

  private static RunOutcome step(S3ClientFactory factory, String[] args) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      p.load(in);
    }
    String bucket = args[2];
    Path dir = Path.of(args[3]);
    Path cache = Files.createDirectories(Path.of(args[4]));
    int parallelism = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    RunAssignment job =
        new RunAssignment(
            1L,
            1L,
            "bench",
            "backup",
            "sync",
            "local",
            dir.toString(),
            List.of(),
            "s3",
            bucket,
            "",
            null,
            p.getProperty("endpoint"),
            p.getProperty("region"),
            p.getProperty("accessKey"),
            p.getProperty("secretKey"),
            true,
            null,
            null,
            0,
            0,
            parallelism,
            null,
            null,
            null,
            null,
            null,
            new ObjectMapper().createObjectNode(),
            null,
            false,
            null);
    Ctx ctx = new Ctx(cache, factory);
    SyncEngine engine = new SyncEngine();
    return args[0].equals("sync")
        ? engine.backup(job, ctx)
        : engine.restore(
            job, new RestoreRequest(null, dir.toString(), List.of(), "always", false), ctx);
  }

  /** A context without the runtime: counters only. */
  private record Ctx(Path cache, S3ClientFactory factory) implements RunContext {
    private static final Cancellation CANCELLATION = new Cancellation();
    private static final Counting PROGRESS = new Counting();

    @Override
    public long runId() {
      return 1;
    }

    @Override
    public ProgressReporter progress() {
      return PROGRESS;
    }

    @Override
    public Cancellation cancellation() {
      return CANCELLATION;
    }

    @Override
    public Path workDir() {
      return cache;
    }

    @Override
    public Path jobCacheDir() {
      return cache;
    }

    @Override
    public S3ClientFactory s3() {
      return factory;
    }

    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }
  }

  private static final class Counting implements ProgressReporter {
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong files = new AtomicLong();

    @Override
    public void scanStarted() {}

    @Override
    public void scanFound(long files, long bytes) {}

    @Override
    public void scanFinished() {}

    @Override
    public void itemStarted(String path) {}

    @Override
    public void bytesDone(long delta) {
      bytes.addAndGet(delta);
    }

    @Override
    public void itemDone(String path) {
      files.incrementAndGet();
    }

    @Override
    public void itemSkipped(String path, String reason) {
      System.err.println("skipped " + path + ": " + reason);
    }

    @Override
    public void event(String code, EventLevel level, String message, Map<String, Object> params) {
      System.err.println(level + " " + code + " " + message);
    }

    @Override
    public ProgressSnapshot snapshot() {
      return new ProgressSnapshot(0, 0, false, files.get(), bytes.get(), 0, 0, -1, null);
    }
  }
}
