package ca.eazybackup.e3.s3fixtures;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Command line for scripts (perf benchmarks with rclone/restic, the simulation):
 *
 * <pre>
 * start [s3proxy|minio|ceph|external] [--bucket NAME]... [--no-stdin]
 *     prints S3_ENDPOINT=, S3_ACCESS_KEY=, S3_SECRET_KEY=, S3_REGION=, S3_FIXTURE= lines, then
 *     stays up until stdin closes (or, with --no-stdin, until SIGTERM/SIGINT), then stops it
 * tree SPEC SEED DIR [--sha256sums FILE]
 *     SPEC: small | demo | peer-baseline | many-small-files:N
 * modify DIR SEED          the peer baseline's "1 % modified" step; prints the changed paths
 * verify DIR BUCKET PREFIX compares s3://BUCKET/PREFIX with DIR using S3_ENDPOINT... (exit 1 if
 *                          they differ)
 * </pre>
 *
 * Exit codes: 0 ok, 1 differences found, 2 usage error, 3 fixture unavailable, 4 failure.
 */
public final class S3FixtureMain {
  private S3FixtureMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      return usage(err, "no command");
    }
    try {
      switch (args[0]) {
        case "start":
          return start(args, stdin, out);
        case "tree":
          return tree(args, out);
        case "modify":
          return modify(args, out);
        case "verify":
          return verify(args, out);
        case "-h":
        case "--help":
        case "help":
          usage(out, null);
          return 0;
        default:
          return usage(err, "unknown command " + args[0]);
      }
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return usage(err, e.getMessage());
    } catch (S3FixtureUnavailableException e) {
      err.println("unavailable: " + e.getMessage());
      return 3;
    } catch (S3FixtureException | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 4;
    }
  }

  private static int start(String[] args, InputStream stdin, PrintStream out) {
    String kind = S3Fixtures.configuredKind();
    List<String> buckets = new ArrayList<>();
    boolean waitOnStdin = true;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--bucket":
          buckets.add(args[++i]);
          break;
        case "--no-stdin":
          waitOnStdin = false;
          break;
        default:
          if (args[i].startsWith("-")) {
            throw new IllegalArgumentException("unknown option " + args[i]);
          }
          kind = args[i];
      }
    }
    S3Fixture fixture = S3Fixture.start(kind);
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable unhook =
        Processes.onJvmExit(
            "s3fixture-main-stop",
            () -> {
              fixture.close();
              stopped.countDown();
            });
    buckets.forEach(fixture::createBucket);
    out.println("S3_ENDPOINT=" + fixture.endpoint());
    out.println("S3_ACCESS_KEY=" + fixture.accessKey());
    out.println("S3_SECRET_KEY=" + fixture.secretKey());
    out.println("S3_REGION=" + fixture.region());
    out.println("S3_FIXTURE=" + fixture.kind());
    out.flush();
    if (waitOnStdin) {
      drain(stdin);
      fixture.close();
      unhook.run();
      return 0;
    }
    try {
      stopped.await(); // SIGTERM/SIGINT run the hook, which closes the fixture
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static void drain(InputStream stdin) {
    byte[] buf = new byte[256];
    try {
      while (stdin.read(buf) >= 0) {
        // wait for end of input
      }
    } catch (IOException e) {
      // a broken stdin counts as closed
    }
  }

  private static int tree(String[] args, PrintStream out) {
    TreeSpec spec = TreeSpec.named(args[1]);
    long seed = Long.parseLong(args[2]);
    Path dir = Path.of(args[3]);
    Path sums = null;
    for (int i = 4; i < args.length; i++) {
      if (args[i].equals("--sha256sums")) {
        sums = Path.of(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    long t0 = System.nanoTime();
    TreeManifest manifest = TestTree.generate(spec, seed, dir);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (sums != null) {
      writeSha256Sums(manifest, sums);
    }
    out.printf(
        "tree spec=%s seed=%d files=%d bytes=%d ms=%d dir=%s%n",
        spec.name(), seed, manifest.fileCount(), manifest.totalBytes(), ms, dir);
    return 0;
  }

  /** The format of {@code sha256sum}, so {@code sha256sum -c} can check a restore. */
  private static void writeSha256Sums(TreeManifest manifest, Path file) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (TreeManifest.Entry e : manifest.entries()) {
        w.write(e.sha256());
        w.write("  ");
        w.write(e.path());
        w.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static int modify(String[] args, PrintStream out) {
    List<String> changed = TestTree.modifyOnePercent(Path.of(args[1]), Long.parseLong(args[2]));
    changed.forEach(out::println);
    out.printf("modified files=%d%n", changed.size());
    return 0;
  }

  private static int verify(String[] args, PrintStream out) {
    Path dir = Path.of(args[1]);
    try (S3Fixture s3 = S3Fixture.start("external")) {
      TreeManifest.Differences d = S3TreeVerifier.using(s3.client()).compare(args[2], args[3], dir);
      out.println(d.summary());
      return d.none() ? 0 : 1;
    }
  }

  private static int usage(PrintStream to, String problem) {
    if (problem != null) {
      to.println("error: " + problem);
    }
    to.println(
        "usage: S3FixtureMain start [s3proxy|minio|ceph|external] [--bucket NAME]... [--no-stdin]\n"
            + "       S3FixtureMain tree small|demo|peer-baseline|many-small-files:N SEED DIR"
            + " [--sha256sums FILE]\n"
            + "       S3FixtureMain modify DIR SEED\n"
            + "       S3FixtureMain verify DIR BUCKET PREFIX   (uses S3_ENDPOINT, S3_ACCESS_KEY,"
            + " S3_SECRET_KEY, S3_REGION)");
    return problem == null ? 0 : 2;
  }
}
