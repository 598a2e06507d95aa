package ca.eazybackup.e3.perf.run;

import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The Java side of {@code perf/run}; the script runs each command in a JVM of its own:
 *
 * <pre>
 * server INFO KIND           start (or connect to) the S3 server: s3proxy, minio or external
 *                            (S3_ENDPOINT...); write its endpoint and keys to INFO; run until killed
 * dataset DIR SPEC           write a TreeSpec preset (seed 42) unless DIR already holds it
 * modify DIR SEED            overwrite 4 KiB of every 100th file (the "1 % changed" step)
 * step ENGINE OP INFO BUCKET DIR CACHE PAR    one of our steps, in this fresh JVM
 * resident                   our steps read from stdin, one JVM for all (the agent service)
 * ceilings INFO DATA OUT LARGE_MIB SMALL_N SECONDS
 * jmh-rows JMH_JSON RESULTS     JMH's JSON result as rows of results.tsv (perf/run --only jmh)
 * report RUN_DIR REPO_PERF_DIR    RESULTS.md, the JSON record and the charts
 * </pre>
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (args.length == 0 ? "" : args[0]) {
      case "server" -> server(Path.of(rest[0]), rest.length > 1 ? rest[1] : "s3proxy");
      case "dataset" -> dataset(Path.of(rest[0]), rest[1]);
      case "modify" -> modify(Path.of(rest[0]), Long.parseLong(rest[1]));
      case "step" -> Steps.once(rest);
      case "resident" -> Steps.resident();
      case "ceilings" -> Ceilings.main(rest);
      case "jmh-rows" -> ca.eazybackup.e3.perf.jmh.JmhRows.main(rest);
      case "report" -> Report.main(rest);
      default -> {
        System.err.println(
            "usage: server INFO KIND | dataset DIR SPEC | modify DIR SEED | step ... | resident"
                + " | ceilings ... | jmh-rows JSON RESULTS | report RUN_DIR PERF_DIR");
        System.exit(2);
      }
    }
  }

  private static void server(Path info, String kind) throws Exception {
    S3Fixture s3 = S3Fixture.start(kind);
    Properties p = new Properties();
    p.setProperty("endpoint", s3.endpoint().toString());
    p.setProperty("region", s3.region().isEmpty() ? "us-east-1" : s3.region());
    p.setProperty("accessKey", s3.accessKey());
    p.setProperty("secretKey", s3.secretKey());
    p.setProperty("kind", s3.kind());
    Path tmp = info.resolveSibling(info.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "perf/run S3 server");
    }
    Files.move(tmp, info, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("server " + s3.kind() + " " + s3.endpoint());
    Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
    Thread.currentThread().join(); // until the script kills us; the hook stops the server
  }

  private static void dataset(Path dir, String spec) throws Exception {
    Path marker = dir.resolveSibling(dir.getFileName() + ".spec");
    if (Files.isDirectory(dir) && Files.exists(marker) && Files.readString(marker).equals(spec)) {
      System.err.println("dataset " + dir + " (" + spec + ") already there");
      return;
    }
    Files.deleteIfExists(marker);
    TreeManifest m = TestTree.generate(TreeSpec.named(spec), 42, dir);
    Files.writeString(marker, spec);
    System.err.println("dataset " + dir + " " + m);
  }

  private static void modify(Path dir, long seed) {
    List<String> changed = TestTree.modifyOnePercent(dir, seed);
    System.err.println("modified " + changed.size() + " files (1 %)");
  }
}
