package ca.eazybackup.e3.perf.run;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.agent.sync.SyncEngine;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * Our engines' steps for perf/run, in a fresh JVM ({@code step ...}: the cold headline) or in one
 * resident JVM that runs every line it reads on stdin, as the agent service does. A step line is
 * {@code ENGINE OP INFO BUCKET DIR CACHE PARALLELISM}: engine {@code sync|kopia}, op {@code
 * create|backup|restore}; INFO is the S3 server's properties file. Each step answers one line on
 * stdout, {@code done SECONDS CPU_SECONDS STATUS PEAK_RSS_KIB REQUESTS BY_OPERATION}; the peak is
 * this step's own, since the resident JVM resets the kernel's high-water mark before each step;
 * REQUESTS counts the S3 requests the step sent (BY_OPERATION: {@code PutObject=12,...}).
 */
final class Steps {
  static final String PASSWORD = "bench-password-0123";

  private Steps() {}

  private static final RequestCounter REQUESTS = new RequestCounter();

  /** The agent's factory settings (S3ClientFactory's defaults), plus the request counter. */
  private static S3ClientFactory factory() {
    return new S3ClientFactory(Duration.ofMinutes(5), 64, List.of(REQUESTS));
  }

  /** One step in this (fresh) JVM; exits 1 when it fails. */
  static void once(String[] line) throws Exception {
    try (S3ClientFactory factory = factory()) {
      String answer = timed(factory, line);
      System.out.println(answer);
      if (!answer.contains(" SUCCESS ")) {
        System.exit(1);
      }
    }
  }

  /** The resident JVM: one step per stdin line until end of input. */
  static void resident() throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (S3ClientFactory factory = factory()) {
      String line;
      while ((line = in.readLine()) != null && !line.isBlank()) {
        System.out.println(timed(factory, line.trim().split("\\s+")));
        System.out.flush();
      }
    }
  }

  private static String timed(S3ClientFactory factory, String[] a) {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ProcMemory.resetPeak();
    Map<String, Long> requests0 = requests(factory, a, false);
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    String status;
    try {
      RunOutcome o = run(factory, a);
      status = o.status().name();
      System.err.printf("%s status=%s %s%n", String.join(" ", a), status, o.stats());
      if (!"SUCCESS".equals(status)) {
        System.err.println(o.message());
      }
    } catch (Exception e) {
      status = "ERROR";
      System.err.println(String.join(" ", a) + " failed:");
      e.printStackTrace();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    Map<String, Long> sent = RequestCounter.minus(requests(factory, a, true), requests0);
    long total = sent.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder by = new StringBuilder();
    sent.forEach((k, v) -> by.append(by.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return String.format(
        java.util.Locale.ROOT,
        "done %.3f %.3f %s %d %d %s",
        secs,
        cpu,
        status,
        ProcMemory.peakKib(),
        total,
        by.length() == 0 ? "-" : by);
  }

  /** DirectGet's counter per target as last read: read after a step only, never built before. */
  private static final Map<S3Target, Long> DIRECT_SEEN = new java.util.HashMap<>();

  /**
   * Requests sent so far through the SDK, plus the DirectGet whole-object GETs of this target.
   * Before a step ({@code after == false}) the DirectGet figure is the one last read, so that
   * counting does not build the step's S3 client outside its timed part.
   */
  private static Map<String, Long> requests(S3ClientFactory factory, String[] a, boolean after) {
    Map<String, Long> m = new java.util.TreeMap<>(REQUESTS.snapshot());
    try {
      S3Target t = target(info(Path.of(a[2])));
      long direct = after ? factory.directGet(t).directGets() : DIRECT_SEEN.getOrDefault(t, 0L);
      DIRECT_SEEN.put(t, direct);
      m.put("GetObject(direct)", direct);
    } catch (IOException | RuntimeException e) {
      // a malformed step line: the step itself reports it
    }
    return m;
  }

  static Properties info(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  static S3Target target(Properties p) {
    return new S3Target(
        p.getProperty("endpoint"),
        p.getProperty("region"),
        p.getProperty("accessKey"),
        p.getProperty("secretKey"));
  }

  private static RunOutcome run(S3ClientFactory factory, String[] a) throws Exception {
    if (a.length < 7) {
      throw new IllegalArgumentException(
          "step needs ENGINE OP INFO BUCKET DIR CACHE PARALLELISM, got " + String.join(" ", a));
    }
    String engine = a[0];
    String op = a[1];
    Properties p = info(Path.of(a[2]));
    String bucket = a[3];
    Path dir = Path.of(a[4]);
    Path cache = Files.createDirectories(Path.of(a[5]));
    int parallelism = Integer.parseInt(a[6]);
    BenchContext ctx = new BenchContext(cache, factory);
    if (engine.equals("sync")) {
      RunAssignment job = job("sync", p, bucket, "", dir, parallelism, null);
      SyncEngine sync = new SyncEngine();
      return switch (op) {
        case "backup" -> sync.backup(job, ctx);
        case "restore" ->
            sync.restore(
                job, new RestoreRequest(null, dir.toString(), List.of(), "always", false), ctx);
        default -> throw new IllegalArgumentException("sync has no op " + op);
      };
    }
    if (!engine.equals("kopia")) {
      throw new IllegalArgumentException("unknown engine " + engine);
    }
    RunAssignment job = job("kopia", p, bucket, "repo", dir, parallelism, PASSWORD);
    KopiaEngine kopia = new KopiaEngine();
    Path manifest = cache.resolve("bench-last-manifest");
    switch (op) {
      case "create" -> {
        try {
          factory.client(target(p)).createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
          // a rerun against an external server: the bucket is ours already
        }
        return kopia.createRepository(job, ctx);
      }
      case "backup" -> {
        RunOutcome o = kopia.backup(job, ctx);
        if (o.manifestId() != null) {
          Files.writeString(manifest, o.manifestId());
        }
        return o;
      }
      case "restore" -> {
        // The source of the job is the restore target here; the snapshot is the chain's last.
        return kopia.restore(
            job,
            new RestoreRequest(
                Files.readString(manifest).trim(), dir.toString(), List.of(), "always", false),
            ctx);
      }
      default -> throw new IllegalArgumentException("kopia has no op " + op);
    }
  }

  private static RunAssignment job(
      String engine,
      Properties p,
      String bucket,
      String prefix,
      Path dir,
      int parallelism,
      String password) {
    boolean kopia = engine.equals("kopia");
    return new RunAssignment(
        1L,
        1L,
        "bench",
        "backup",
        engine,
        kopia ? "local_agent" : "local",
        dir.toString(),
        kopia ? List.of(dir.toString()) : List.of(),
        "s3",
        bucket,
        prefix,
        null,
        p.getProperty("endpoint"),
        p.getProperty("region"),
        p.getProperty("accessKey"),
        p.getProperty("secretKey"),
        !kopia,
        kopia ? "" : null,
        kopia ? "" : null,
        0,
        0,
        parallelism,
        kopia ? "" : null,
        kopia ? "zstd" : null,
        password,
        null,
        null,
        kopia ? null : new ObjectMapper().createObjectNode(),
        null,
        false,
        null);
  }
}
