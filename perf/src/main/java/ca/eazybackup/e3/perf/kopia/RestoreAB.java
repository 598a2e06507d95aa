package ca.eazybackup.e3.perf.kopia;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Restore only, ours against restic, for A/B comparisons of restore changes: one backup each of the
 * peer-baseline dataset, then {@code rounds} restores of each, alternating, every round printed
 * with wall and CPU seconds and the load average (on a shared machine one round settles nothing).
 * Run it once with the old build's classes first on the classpath and once with the new. Usage:
 * {@code RestoreAB <workdir> <rounds>}.
 */
public final class RestoreAB {
  private RestoreAB() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "perf/target/restore-ab");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Files.createDirectories(work);
    Path src = work.resolve("data");
    if (!Files.exists(src.resolve(".generated"))) {
      TestTree.generate(TreeSpec.named("peer-baseline"), 42, src);
      Files.writeString(src.resolve(".generated"), "peer-baseline");
    }
    Path run = work.resolve("run-" + ProcessHandle.current().pid());
    Files.createDirectories(run);
    try (S3Fixture s3 = S3Fixture.start()) {
      s3.createBucket("ours");
      s3.createBucket("restic");
      KopiaEngine engine = new KopiaEngine();
      RunAssignment job = KopiaBench.job(s3, src);
      KopiaBench.Restic restic = new KopiaBench.Restic(s3, run.resolve("restic-cache"));
      KopiaBench.timeOurs(() -> engine.createRepository(job, KopiaBench.ctx(run)));
      RunOutcome[] backup = new RunOutcome[1];
      KopiaBench.timeOurs(() -> backup[0] = engine.backup(job, KopiaBench.ctx(run)));
      restic.timed("init");
      restic.timed("backup", src.toString());
      Path out = run.resolve("ours");
      for (int i = 0; i < rounds; i++) {
        Path resticOut = run.resolve("restic");
        KopiaBench.deleteTree(out);
        KopiaBench.deleteTree(resticOut);
        double ours =
            KopiaBench.timeOurs(
                () ->
                    engine.restore(
                        job,
                        new RestoreRequest(
                            backup[0].manifestId(), out.toString(), List.of(), "always", false),
                        KopiaBench.ctx(run)));
        double oursCpu = KopiaBench.lastOursCpu;
        double theirs = restic.timed("restore", "latest", "--target", resticOut.toString());
        double theirsCpu = KopiaBench.Restic.lastCpu;
        System.out.printf(
            "round %d: ours %.2f s %.2f CPU-s, restic %.2f s %.2f CPU-s, restic/ours wall %.2fx"
                + " CPU %.2fx, load %s%n",
            i,
            ours,
            oursCpu,
            theirs,
            theirsCpu,
            theirs / ours,
            theirsCpu / oursCpu,
            Files.readString(Path.of("/proc/loadavg")).trim());
      }
      boolean identical = TreeManifest.scan(out).entries().equals(TreeManifest.scan(src).entries());
      System.out.printf("restore byte-identical: %s%n", identical);
    } finally {
      KopiaBench.deleteTree(run);
    }
  }
}
