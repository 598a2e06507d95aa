package ca.eazybackup.e3.packaging;

import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The image's class-data sharing (CDS) files, beside the agent jar in {@code app/}:
 *
 * <ul>
 *   <li>{@code e3-backup-agent.classlist}: the classes a short training run of the agent loads
 *       ({@code cds-training}: both engines' backup and restore against a scratch S3Proxy, a
 *       snapshot served over WebDAV, the CLI), recorded with {@code -XX:DumpLoadedClassList}. It
 *       ships; {@code service install} dumps the archive from it on the PC, where the jar's path
 *       and time are the ones Java 17 checks the archive against.
 *   <li>{@code e3-backup-agent.jsa}: that archive dumped here ({@code -Xshare:dump}), valid for
 *       this image in this folder: the smoke run and perf/run map it. The MSI leaves it out.
 * </ul>
 *
 * A few seconds of the build (training ~5 s and dump ~3 s on a quiet machine) for ~2 CPU-seconds
 * off every start of the agent (docs/performance.md, "Class-data sharing").
 */
final class ClassDataSharing {
  static final String ARCHIVE = "e3-backup-agent.jsa";
  static final String CLASS_LIST = "e3-backup-agent.classlist";

  private ClassDataSharing() {}

  /** Trains, dumps; returns one line for the build's output. Throws when either step fails. */
  static String build(Path dir, List<String> agentJvmOptions) throws Exception {
    Path java = Packaging.javaOf(dir.resolve("runtime"));
    Path jar = dir.resolve("app").resolve(Packaging.JAR);
    Path list = dir.resolve("app").resolve(CLASS_LIST);
    Path archive = dir.resolve("app").resolve(ARCHIVE);
    Path scratch = dir.resolveSibling("cds-training");
    Packaging.deleteTree(scratch);
    Files.createDirectories(scratch);
    long t0 = System.nanoTime();
    try (S3Fixture s3 = S3Fixture.start("s3proxy")) {
      s3.createBucket("cds-training");
      List<String> train = new ArrayList<>();
      train.add(java.toString());
      train.addAll(agentJvmOptions);
      train.addAll(
          List.of(
              "-XX:DumpLoadedClassList=" + list,
              "-jar",
              jar.toString(),
              "cds-training",
              "--endpoint",
              s3.endpoint().toString(),
              "--bucket",
              "cds-training",
              "--dir",
              scratch.resolve("work").toString()));
      ProcessBuilder pb = new ProcessBuilder(train);
      pb.environment().put("AWS_ACCESS_KEY_ID", s3.accessKey());
      pb.environment().put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
      pb.environment().put("E3_REPO_PASSWORD", "cds-training-password");
      run(pb, scratch.resolve("training.log"), "the CDS training run");
    }
    long t1 = System.nanoTime();
    List<String> dump = new ArrayList<>();
    dump.add(java.toString());
    dump.addAll(agentJvmOptions);
    dump.addAll(
        List.of(
            "-Xshare:dump",
            "-XX:SharedClassListFile=" + list,
            "-XX:SharedArchiveFile=" + archive,
            // the same class path string the smoke run's -jar gives: Java 17 compares them
            "-cp",
            jar.toString()));
    run(new ProcessBuilder(dump), scratch.resolve("dump.log"), "the CDS dump");
    long t2 = System.nanoTime();
    long classes;
    try (var lines = Files.lines(list, StandardCharsets.UTF_8)) {
      classes = lines.filter(l -> !l.startsWith("#") && !l.startsWith("@")).count();
    }
    Packaging.deleteTree(scratch);
    return String.format(
        Locale.ROOT,
        "class-data sharing: %d classes listed (training %.1f s), archive %.0f MB (dump %.1f s)",
        classes,
        (t1 - t0) / 1e9,
        Files.size(archive) / 1e6,
        (t2 - t1) / 1e9);
  }

  private static void run(ProcessBuilder pb, Path log, String what)
      throws IOException, InterruptedException {
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(what + " took over 5 minutes; its log: " + log);
    }
    if (p.exitValue() != 0) {
      String out = Files.readString(log, StandardCharsets.UTF_8);
      throw new IllegalStateException(
          what
              + " failed ("
              + p.exitValue()
              + "):\n"
              + out.substring(Math.max(0, out.length() - 4000)));
    }
  }
}
