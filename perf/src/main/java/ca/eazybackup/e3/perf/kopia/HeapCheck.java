package ca.eazybackup.e3.perf.kopia;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Backs up a generated tree of N tiny files (default 1,000,000) to a local-folder repository and
 * reports peak heap; run with -Xmx512m to prove the bound. Usage: {@code HeapCheck <workdir> [n]
 * [results.tsv]}: with a results file (perf/run's), appends the heap-series rows to it.
 */
public final class HeapCheck {
  private HeapCheck() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "target/heap-check");
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    Path src = work.resolve("tree-" + n);
    if (!Files.exists(src.resolve(".generated"))) {
      long t0 = System.nanoTime();
      TestTree.generate(TreeSpec.manySmallFiles(n), 1, src);
      Files.writeString(src.resolve(".generated"), "x");
      System.out.printf("generated %d files in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }
    // The peak that matters is the backup's, not the generator's (it holds the whole plan).
    System.gc();
    for (java.lang.management.MemoryPoolMXBean p :
        java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
    AfterGcPeak afterGc = AfterGcPeak.install();
    Path dest = work.resolve("repo-" + n);
    KopiaBench.deleteTree(dest);
    RunAssignment job =
        new RunAssignment(
            1L,
            1,
            "heap",
            "backup",
            "kopia",
            "local_agent",
            src.toString(),
            List.of(src.toString()),
            "local",
            null,
            "repo",
            dest.toString(),
            null,
            null,
            null,
            null,
            false,
            "",
            "",
            0,
            0,
            4,
            "",
            "zstd",
            "heap-check-password",
            null,
            null,
            null,
            null,
            false,
            null);
    KopiaEngine engine = new KopiaEngine();
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    RunOutcome first = engine.backup(job, KopiaBench.ctx(work));
    double s1 = (System.nanoTime() - t0) / 1e9;
    long c1 = os.getProcessCpuTime();
    long t1 = System.nanoTime();
    RunOutcome second = engine.backup(job, KopiaBench.ctx(work));
    double s2 = (System.nanoTime() - t1) / 1e9;
    long c2 = os.getProcessCpuTime();
    if (first.status() != RunStatus.SUCCESS || second.status() != RunStatus.SUCCESS) {
      throw new IllegalStateException(
          "heap check backup failed: " + first.message() + " / " + second.message());
    }
    // Full maintenance of the same repository in the same heap: snapshot GC walks every file of
    // both snapshots and streams the whole index (issue #14: bounded memory at 1,000,000 files).
    long backupsLivePeak = afterGc.peak();
    long t2 = System.nanoTime();
    RunOutcome maintained =
        engine.maintain(
            job, ca.eazybackup.e3.agent.engine.MaintenanceMode.FULL, KopiaBench.ctx(work));
    double s3 = (System.nanoTime() - t2) / 1e9;
    long c3 = os.getProcessCpuTime();
    if (maintained.status() != RunStatus.SUCCESS) {
      throw new IllegalStateException("heap check maintenance failed: " + maintained.message());
    }
    if (args.length > 2) {
      long hwm = vmHwmKib();
      String mode = n + " files";
      String rows =
          String.format(
              java.util.Locale.ROOT,
              "heap\tfirst backup\t%s\tours\t1\t%.3f\t%.3f\t%d\t0\t%d%n"
                  + "heap\tno-change backup\t%s\tours\t1\t%.3f\t%.3f\t%d\t0\t%d%n"
                  + "heap\tlive heap after GC\t%s\tours\t1\t0\t0\t%d\t0\t%d%n"
                  + "heap\tfull maintenance\t%s\tours\t1\t%.3f\t%.3f\t%d\t0\t%d%n",
              mode,
              s1,
              (c1 - c0) / 1e9,
              hwm,
              n,
              mode,
              s2,
              (c2 - c1) / 1e9,
              hwm,
              n,
              mode,
              backupsLivePeak >> 10,
              n,
              mode,
              s3,
              (c3 - c2) / 1e9,
              afterGc.peak() >> 10,
              n);
      Files.writeString(
          Path.of(args[2]),
          rows,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
    System.out.printf("first backup: %s in %.1f s (%s)%n", first.status(), s1, first.stats());
    System.out.printf("no-change backup: %s in %.1f s (%s)%n", second.status(), s2, second.stats());
    System.out.printf(
        "full maintenance: %s in %.1f s (%s); live heap peak after GC %d MiB%n",
        maintained.status(), s3, maintained.stats(), afterGc.peak() >> 20);
    System.out.printf(
        "max heap %d MiB, peak heap used %d MiB, peak heap after GC (live set) %d MiB, VmHWM %s%n",
        Runtime.getRuntime().maxMemory() >> 20,
        KopiaBench.peakHeap() >> 20,
        afterGc.peak() >> 20,
        KopiaBench.vmHwm());
  }

  private static long vmHwmKib() {
    String v = KopiaBench.vmHwm(); // "123456 kB"
    try {
      return Long.parseLong(v.split("\\s+")[0]);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * Largest heap occupancy right after a collection: under -Xmx the collector lets "used" run up to
   * the cap before collecting, so the live set after GC is the figure that shows what the backup
   * really holds.
   */
  static final class AfterGcPeak implements javax.management.NotificationListener {
    private final java.util.concurrent.atomic.AtomicLong peak =
        new java.util.concurrent.atomic.AtomicLong();

    static AfterGcPeak install() {
      AfterGcPeak l = new AfterGcPeak();
      for (java.lang.management.GarbageCollectorMXBean gc :
          java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof javax.management.NotificationEmitter e) {
          e.addNotificationListener(l, null, null);
        }
      }
      return l;
    }

    long peak() {
      return peak.get();
    }

    @Override
    public void handleNotification(javax.management.Notification n, Object handback) {
      if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
          .equals(n.getType())) {
        return;
      }
      com.sun.management.GarbageCollectionNotificationInfo info =
          com.sun.management.GarbageCollectionNotificationInfo.from(
              (javax.management.openmbean.CompositeData) n.getUserData());
      long used = 0;
      for (java.lang.management.MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
        used += u.getUsed();
      }
      // after-GC figures include non-heap pools (metaspace, code cache): count heap pools only
      long nonHeap = 0;
      for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        String k = e.getKey();
        if (k.contains("Metaspace") || k.contains("CodeHeap") || k.contains("Class Space")) {
          nonHeap += e.getValue().getUsed();
        }
      }
      peak.accumulateAndGet(used - nonHeap, Math::max);
    }
  }
}
