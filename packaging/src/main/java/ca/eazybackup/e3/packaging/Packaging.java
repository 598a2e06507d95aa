package ca.eazybackup.e3.packaging;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * The build's packaging steps, run by Maven in its own JVM (exec:java) through the JDK's tool
 * providers, so no path to an executable differs between Linux and Windows:
 *
 * <ul>
 *   <li>{@code image <agent.jar> <modules> <dir>}: {@code <dir>/runtime} is a jlink image of the
 *       listed modules for this OS, {@code <dir>/app/e3-backup-agent.jar} the agent; then the image
 *       runs the agent once ({@code version}) to prove it is complete. This is the installed layout
 *       the service is registered to ({@code <dir>\runtime\bin\java.exe}).
 *   <li>{@code msi <dir> <wix resources> <version> <dest>}: jpackage builds an MSI of that image
 *       with the WiX sources in {@code <wix resources>} (Windows, WiX 3 on PATH).
 * </ul>
 */
public final class Packaging {
  static final String JAR = "e3-backup-agent.jar";
  static final String MAIN_CLASS = "ca.eazybackup.e3.agent.cli.AgentMain";

  private Packaging() {}

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "image" -> image(Path.of(args[1]), List.of(args[2].split(",")), Path.of(args[3]));
      case "msi" -> msi(Path.of(args[1]), Path.of(args[2]), args[3], Path.of(args[4]));
      default ->
          throw new IllegalArgumentException(
              "usage: image <agent.jar> <modules> <dir> | msi <dir> <wix> <version> <dest>");
    }
  }

  static void image(Path agentJar, List<String> modules, Path dir) throws Exception {
    if (!Files.isRegularFile(agentJar)) {
      throw new IllegalStateException(
          agentJar + " is missing: build the agent first (./mvnw -pl packaging -am package)");
    }
    long t0 = System.nanoTime();
    deleteTree(dir);
    Files.createDirectories(dir.resolve("app"));
    run(
        "jlink",
        "--add-modules",
        String.join(",", modules),
        "--strip-debug",
        "--no-header-files",
        "--no-man-pages",
        "--compress=2",
        // a class-data sharing archive of the image's own JDK classes (lib/server/classes.jsa):
        // a jlink image has none otherwise, and every JVM start would parse them from scratch
        "--generate-cds-archive",
        // the agent's heap and GC settings, for every start of this runtime: service and CLI verbs
        "--add-options=" + String.join(" ", agentJvmOptions(agentJar)),
        "--output",
        dir.resolve("runtime").toString());
    // --generate-cds-archive also writes an archive for heaps over 32 GB (no compressed oops);
    // the agent's -Xmx never asks for one, so it would be 11 MB of installer for nothing
    Files.deleteIfExists(
        dir.resolve("runtime").resolve("lib").resolve("server").resolve("classes_nocoops.jsa"));
    Files.deleteIfExists(
        dir.resolve("runtime").resolve("bin").resolve("server").resolve("classes_nocoops.jsa"));
    Files.copy(agentJar, dir.resolve("app").resolve(JAR), StandardCopyOption.REPLACE_EXISTING);
    long jlinkMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    String cds = ClassDataSharing.build(dir, agentJvmOptions(agentJar));
    String version = smokeRun(dir);
    System.out.printf(
        Locale.ROOT,
        "runtime image %s: %d modules, %.1f MB, jlink %d ms; %s; the agent in it says: %s%n",
        dir,
        modules.size(),
        size(dir.resolve("runtime")) / 1e6,
        jlinkMs,
        cds,
        version);
  }

  /** The non-comment lines of the agent jar's jvm-options.txt (see the agent's JvmOptions). */
  static List<String> agentJvmOptions(Path agentJar) throws IOException {
    try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(agentJar)) {
      Path file = jar.getPath("ca/eazybackup/e3/agent/service/jvm-options.txt");
      List<String> options = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          options.add(line.strip());
        }
      }
      return options;
    }
  }

  /**
   * The image's own java runs the agent: a missing module would fail here, not on a PC. It maps the
   * class-data sharing archive with {@code -Xshare:on}, which fails instead of running without it,
   * so an archive the image cannot use fails the build too.
   */
  static String smokeRun(Path dir) throws IOException, InterruptedException {
    Path java = javaOf(dir.resolve("runtime"));
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-XX:SharedArchiveFile=" + dir.resolve("app").resolve(ClassDataSharing.ARCHIVE),
                "-Xshare:on",
                "-jar",
                dir.resolve("app").resolve(JAR).toString(),
                "version")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("the agent does not run in the image " + dir + ":\n" + out);
    }
    return out.lines().findFirst().orElse("");
  }

  static Path javaOf(Path runtime) {
    boolean windows = System.getProperty("os.name", "").startsWith("Windows");
    return runtime.resolve("bin").resolve(windows ? "java.exe" : "java");
  }

  static void msi(Path dir, Path wix, String version, Path dest) throws Exception {
    deleteTree(dest);
    // The build's archive is valid for this folder only (Java 17 checks the jar's path and time):
    // the installer ships the class list, and `service install` dumps the archive on the PC.
    Path input = dest.resolveSibling("msi-input");
    deleteTree(input);
    Files.createDirectories(input);
    try (Stream<Path> files = Files.list(dir.resolve("app"))) {
      for (Path f : files.filter(f -> !f.getFileName().toString().endsWith(".jsa")).toList()) {
        Files.copy(f, input.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    run(
        "jpackage",
        "--type",
        "msi",
        "--name",
        "e3-backup-agent",
        "--app-version",
        numericVersion(version),
        "--vendor",
        "eazyBackup",
        "--description",
        "e3 Backup Agent: backups, restores and Cloud NAS for the e3 addon",
        "--input",
        input.toString(),
        "--main-jar",
        JAR,
        "--main-class",
        MAIN_CLASS,
        "--runtime-image",
        dir.resolve("runtime").toString(),
        "--win-console",
        // the launcher maps the archive `service install` dumps beside the jar; without one
        // (never installed as a service) -Xshare:auto runs without it
        "--java-options",
        "-XX:SharedArchiveFile=$APPDIR/" + ClassDataSharing.ARCHIVE,
        "--java-options",
        "-Xshare:auto",
        "--install-dir",
        "E3Backup",
        "--win-upgrade-uuid",
        "6f1d3c1e-5b0a-4d55-9a8e-3b9e1c2f0a17",
        "--resource-dir",
        wix.toString(),
        "--dest",
        dest.toString());
    try (Stream<Path> files = Files.list(dest)) {
      files.forEach(f -> System.out.println("installer: " + f));
    }
  }

  /** MSI ProductVersion is numeric: {@code 0.1.0-SNAPSHOT} → {@code 0.1.0}. */
  static String numericVersion(String version) {
    String v = version.replaceAll("[^0-9.].*$", "");
    return v.isEmpty() ? "0.0.0" : v;
  }

  private static void run(String tool, String... args) {
    ToolProvider provider =
        ToolProvider.findFirst(tool)
            .orElseThrow(() -> new IllegalStateException(tool + " is not in this JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = provider.run(new PrintWriter(out), new PrintWriter(err), args);
    if (code != 0) {
      throw new IllegalStateException(
          tool + " " + String.join(" ", args) + " failed (" + code + "):\n" + out + err);
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      long total = 0;
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }
}
