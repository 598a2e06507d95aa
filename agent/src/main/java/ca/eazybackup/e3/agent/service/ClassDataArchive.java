package ca.eazybackup.e3.agent.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The agent's class-data sharing (CDS) archive: the classes a user's agent loads (the JDK's, the
 * AWS SDK's, Jackson's, the engines'), parsed and laid out once and then mapped from a file by
 * every JVM that runs the agent, instead of being read, verified and linked again at each service
 * start and CLI verb (docs/performance.md, "Class-data sharing").
 *
 * <p>The build ships a class list ({@code e3-backup-agent.classlist}, beside the jar: which
 * classes, recorded by a training run at package time). The archive itself is dumped from that list
 * on the PC, by {@code service install} with the runtime the service runs on: Java 17 accepts an
 * archive only for the jar path and modification time it was dumped with, and an installer moves
 * the jar and may change its time. A missing or stale archive costs nothing but the gain: {@code
 * -Xshare:auto} runs without one, silently.
 */
public final class ClassDataArchive {
  public static final String ARCHIVE = "e3-backup-agent.jsa";
  public static final String CLASS_LIST = "e3-backup-agent.classlist";

  /** A dump of ~8,000 classes takes seconds; minutes mean a starved or stuck machine. */
  static final Duration DUMP_TIMEOUT = Duration.ofMinutes(3);

  private ClassDataArchive() {}

  public static Path archiveOf(Path jar) {
    return jar.resolveSibling(ARCHIVE);
  }

  public static Path classListOf(Path jar) {
    return jar.resolveSibling(CLASS_LIST);
  }

  /**
   * The options that make a JVM running {@code jar} map its archive: none when {@code jar} is not a
   * jar (a development classpath) or has no archive beside it, because a JVM named an archive it
   * cannot use runs without any, not even the runtime's own archive of the JDK's classes.
   */
  public static List<String> options(Path jar) {
    if (jar == null || !jar.toString().endsWith(".jar") || !Files.isRegularFile(archiveOf(jar))) {
      return List.of();
    }
    return List.of("-XX:SharedArchiveFile=" + archiveOf(jar), "-Xshare:auto");
  }

  /**
   * Dumps the archive for {@code jar} with {@code java} (the runtime that will map it) from the
   * shipped class list. Written beside the jar through a temporary file, so a failed dump leaves
   * the previous archive, if any. Returns one line for the install's output.
   */
  public static String dump(Path java, Path jar) {
    Path list = classListOf(jar);
    if (!Files.isRegularFile(list)) {
      return "class-data sharing: no " + CLASS_LIST + " beside " + jar + " (not dumped)";
    }
    Path archive = archiveOf(jar);
    Path tmp = archive.resolveSibling(ARCHIVE + ".tmp");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(JvmOptions.agent());
    cmd.add("-Xshare:dump");
    cmd.add("-XX:SharedClassListFile=" + list);
    cmd.add("-XX:SharedArchiveFile=" + tmp);
    cmd.add("-cp");
    cmd.add(jar.toString());
    long t0 = System.nanoTime();
    try {
      Path log = Files.createTempFile("e3-cds-dump", ".log");
      try {
        Process p =
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(DUMP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "class-data sharing: the dump took over " + DUMP_TIMEOUT.toMinutes() + " min";
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
          String out = Files.readString(log, StandardCharsets.UTF_8).strip();
          return "class-data sharing: the dump failed ("
              + p.exitValue()
              + "): "
              + out.substring(Math.max(0, out.length() - 300));
        }
      } finally {
        Files.deleteIfExists(log);
      }
      Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING);
      return String.format(
          Locale.ROOT,
          "class-data sharing: %s (%.0f MB, %.1f s)",
          archive,
          Files.size(archive) / 1e6,
          (System.nanoTime() - t0) / 1e9);
    } catch (IOException e) {
      return "class-data sharing: the dump failed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "class-data sharing: the dump was interrupted";
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // a leftover .tmp is overwritten by the next dump
      }
    }
  }
}
