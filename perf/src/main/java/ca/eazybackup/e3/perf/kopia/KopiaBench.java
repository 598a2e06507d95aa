package ca.eazybackup.e3.perf.kopia;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.EventOnlyProgress;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Ours (KopiaEngine, in this JVM) against restic (Debian's), same dataset, same S3 server, one run:
 * repository create (restic's {@code init}), first backup into the empty repository, no-change
 * backup, 1 % changed, restore. Prints seconds, ratios, dedup ratio and peak memory. Usage: {@code
 * KopiaBench <workdir> [spec]} (spec: peer-baseline by default).
 */
public final class KopiaBench {
  private static final String PASSWORD = "bench-password-0123";

  private KopiaBench() {}

  record Row(String phase, double ours, double restic, double oursCpu, double resticCpu) {
    Row(String phase, double ours, double restic) {
      this(phase, ours, restic, lastOursCpu, Restic.lastCpu);
    }
  }

  /** CPU seconds of this JVM during the last timed run of ours (S3Proxy is its own process). */
  static double lastOursCpu;

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "target/kopia-bench");
    String specName = args.length > 1 ? args[1] : "peer-baseline";
    Files.createDirectories(work);
    Path src = work.resolve("data");
    if (!Files.exists(src.resolve(".generated"))) {
      System.out.println("generating dataset " + specName + " in " + src);
      TestTree.generate(TreeSpec.named(specName), 42, src);
      Files.writeString(src.resolve(".generated"), specName);
    }
    TreeManifest manifest = TreeManifest.scan(src);
    long bytes = manifest.totalBytes();
    System.out.printf("dataset: %d files, %d bytes%n", manifest.fileCount(), bytes);
    HeapCheck.AfterGcPeak afterGc = HeapCheck.AfterGcPeak.install();
    try (S3Fixture s3 = S3Fixture.start()) {
      s3.createBucket("ours");
      s3.createBucket("restic");
      KopiaEngine engine = new KopiaEngine();
      RunAssignment job = job(s3, src);
      List<Row> rows = new ArrayList<>();
      Restic restic = new Restic(s3, work.resolve("restic-cache"));
      // Both tools create their repository (key derivation, format/config blobs) as a row of its
      // own, so that the first backup compares like with like: each starts from an existing,
      // empty repository. The create+first-backup sum is printed too.
      rows.add(
          new Row(
              "repository create",
              timeOurs(() -> engine.createRepository(job, ctx(work))),
              restic.timed("init")));

      rows.add(
          new Row(
              "first backup",
              timeOurs(() -> engine.backup(job, ctx(work))),
              restic.timed("backup", src.toString())));
      rows.add(
          new Row(
              "no-change backup",
              timeOurs(() -> engine.backup(job, ctx(work))),
              restic.timed("backup", src.toString())));
      List<String> changed = TestTree.modifyOnePercent(src, 7);
      System.out.println("modified " + changed.size() + " files (1 %)");
      String[] lastId = new String[1];
      rows.add(
          new Row(
              "1% changed backup",
              timeOurs(
                  () -> {
                    RunOutcome o = engine.backup(job, ctx(work));
                    lastId[0] = o.manifestId();
                    return o;
                  }),
              restic.timed("backup", src.toString())));
      Path oursOut = work.resolve("restore-ours");
      Path resticOut = work.resolve("restore-restic");
      deleteTree(oursOut);
      deleteTree(resticOut);
      rows.add(
          new Row(
              "restore",
              timeOurs(
                  () ->
                      engine.restore(
                          job,
                          new RestoreRequest(
                              lastId[0], oursOut.toString(), List.of(), "always", false),
                          ctx(work))),
              restic.timed("restore", "latest", "--target", resticOut.toString())));

      TreeManifest restored = TreeManifest.scan(oursOut);
      boolean identical = restored.entries().equals(TreeManifest.scan(src).entries());
      long oursStored = bucketBytes(s3, "ours");
      long resticStored = bucketBytes(s3, "restic");

      System.out.println();
      System.out.printf(
          "%-20s %10s %10s %14s %10s %10s %14s %s%n",
          "phase", "ours s", "restic s", "restic/ours", "ours CPU", "restic CPU", "CPU ratio", "");
      for (Row r : rows) {
        boolean timePhase =
            r.phase().startsWith("no-change")
                || r.phase().startsWith("1%")
                || r.phase().startsWith("repository");
        System.out.printf(
            "%-20s %10.2f %10.2f %13.2fx %10.2f %10.2f %13.2fx %s%n",
            r.phase(),
            r.ours(),
            r.restic(),
            r.restic() / r.ours(),
            r.oursCpu(),
            r.resticCpu(),
            r.resticCpu() / r.oursCpu(),
            timePhase ? "(>=1.0 = ours faster)" : "(throughput ratio ours/restic)");
      }
      Row create = rows.get(0);
      Row first = rows.get(1);
      System.out.printf(
          "repository create + first backup: ours %.2f s (%.2f CPU-s), restic %.2f s (%.2f CPU-s),"
              + " throughput ratio ours/restic %.2fx (backup alone %.2fx)%n",
          create.ours() + first.ours(),
          create.oursCpu() + first.oursCpu(),
          create.restic() + first.restic(),
          create.resticCpu() + first.resticCpu(),
          (create.restic() + first.restic()) / (create.ours() + first.ours()),
          first.restic() / first.ours());
      System.out.printf(
          "first backup throughput: ours %.0f MB/s, restic %.0f MB/s%n",
          bytes / 1e6 / rows.get(1).ours(), bytes / 1e6 / rows.get(1).restic());
      System.out.printf(
          "restore throughput:      ours %.0f MB/s, restic %.0f MB/s%n",
          bytes / 1e6 / rows.get(4).ours(), bytes / 1e6 / rows.get(4).restic());
      System.out.printf(
          "stored: ours %d B (dedup+compression ratio %.2f), restic %d B (ratio %.2f)%n",
          oursStored, (double) bytes / oursStored, resticStored, (double) bytes / resticStored);
      System.out.printf("restore byte-identical: %s%n", identical);
      // restic restores the source's absolute path under its target
      Path resticTree = resticOut.resolve(src.toAbsolutePath().toString().substring(1));
      if (!TreeManifest.scan(resticTree).entries().equals(TreeManifest.scan(src).entries())) {
        throw new IllegalStateException(
            "restic's restore in " + resticTree + " differs from the source " + src);
      }
      if (!identical) {
        // A restore that differs is a failed run, whatever its speed: never a figure to report.
        throw new IllegalStateException(
            "our restore in " + oursOut + " differs from the source " + src);
      }
      System.out.printf(
          "ours peak heap %d MiB (sum of pool peaks), live set after GC %d MiB, JVM VmHWM %s"
              + " (this JVM: ours + harness; S3Proxy runs apart); restic max RSS %d MiB%n",
          peakHeap() >> 20, afterGc.peak() >> 20, vmHwm(), restic.maxRssKb / 1024);
    }
  }

  interface Op {
    RunOutcome run() throws Exception;
  }

  static double timeOurs(Op op) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    RunOutcome o = op.run();
    double s = (System.nanoTime() - t0) / 1e9;
    lastOursCpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    if (o.status() != RunStatus.SUCCESS) {
      throw new IllegalStateException("ours failed: " + o.message());
    }
    System.out.printf("  ours: %.2f s, %.2f CPU-s %s%n", s, lastOursCpu, o.stats());
    return s;
  }

  static RunAssignment job(S3Fixture s3, Path src) {
    int parallelism = Integer.getInteger("bench.parallelism", 4);
    return new RunAssignment(
        1L,
        1,
        "bench",
        "backup",
        "kopia",
        "local_agent",
        src.toString(),
        List.of(src.toString()),
        "s3",
        "ours",
        "repo",
        null,
        s3.endpoint().toString(),
        s3.region(),
        s3.accessKey(),
        s3.secretKey(),
        false,
        "",
        "",
        0,
        0,
        parallelism,
        "",
        System.getProperty("bench.compression", "zstd"),
        PASSWORD,
        null,
        null,
        null,
        null,
        false,
        null);
  }

  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  static String vmHwm() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM")) {
          return l.substring(6).trim();
        }
      }
    } catch (IOException e) {
      return "?";
    }
    return "?";
  }

  static long bucketBytes(S3Fixture s3, String bucket) {
    long total = 0;
    for (S3Object o : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      total += o.size();
    }
    return total;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  static RunContext ctx(Path work) {
    S3ClientFactory factory = new S3ClientFactory();
    Cancellation cancellation = new Cancellation();
    return new RunContext() {
      @Override
      public long runId() {
        return 1;
      }

      @Override
      public ProgressReporter progress() {
        return QUIET;
      }

      @Override
      public Cancellation cancellation() {
        return cancellation;
      }

      @Override
      public Path workDir() {
        return work.resolve("work");
      }

      @Override
      public Path jobCacheDir() {
        return work.resolve("cache");
      }

      @Override
      public S3ClientFactory s3() {
        return factory;
      }

      @Override
      public Clock clock() {
        return Clock.systemDefaultZone();
      }
    };
  }

  static final ProgressReporter QUIET =
      new EventOnlyProgress() {
        @Override
        public void event(
            String code, EventLevel level, String message, Map<String, Object> params) {}
      };

  /** Debian's restic against the same S3 server, timed with /usr/bin/time for its max RSS. */
  static final class Restic {
    private final Map<String, String> env = new LinkedHashMap<>();
    long maxRssKb;

    /** User + system CPU seconds of the last restic command. */
    static double lastCpu;

    Restic(S3Fixture s3, Path cache) {
      env.put("RESTIC_REPOSITORY", "s3:" + s3.endpoint() + "/restic");
      env.put("RESTIC_PASSWORD", PASSWORD);
      env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
      env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
      env.put("RESTIC_CACHE_DIR", cache.toString());
    }

    double timed(String... args) throws Exception {
      long t0 = System.nanoTime();
      run(args);
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("  restic %s: %.2f s, %.2f CPU-s%n", args[0], s, lastCpu);
      return s;
    }

    void run(String... args) throws Exception {
      List<String> cmd =
          new ArrayList<>(List.of("/usr/bin/time", "-f", "MAXRSS %M CPU %U %S", "restic", "-q"));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().remove("AWS_CA_BUNDLE");
      pb.environment().putAll(env);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      for (String l : out.split("\n")) {
        if (l.startsWith("MAXRSS ")) {
          String[] f = l.trim().split("\\s+");
          maxRssKb = Math.max(maxRssKb, Long.parseLong(f[1]));
          lastCpu = Double.parseDouble(f[3]) + Double.parseDouble(f[4]);
        }
      }
      if (rc != 0) {
        throw new IllegalStateException("restic " + String.join(" ", args) + " failed: " + out);
      }
    }
  }
}
