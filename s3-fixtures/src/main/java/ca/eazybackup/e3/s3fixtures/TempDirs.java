package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporary directories the fixtures create and remove. */
final class TempDirs {
  private static final Logger log = LoggerFactory.getLogger(TempDirs.class);

  private TempDirs() {}

  private static final String OWNER_FILE = "owner.pid";

  /** A new directory with an {@code owner.pid} file naming this JVM, for {@link #sweepOrphans}. */
  static Path create(String prefix) {
    try {
      Path dir = Files.createTempDirectory(base(), prefix);
      Files.writeString(dir.resolve(OWNER_FILE), String.valueOf(ProcessHandle.current().pid()));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory " + prefix, e);
    }
  }

  private static Path base() throws IOException {
    String base = System.getProperty("e3.s3fixture.tmpdir", System.getProperty("java.io.tmpdir"));
    return Files.createDirectories(Path.of(base));
  }

  /**
   * Deletes directories {@code prefix*} left by JVMs that died without cleaning up (their {@code
   * owner.pid} names no live process). Directories of live JVMs are never touched.
   */
  static void sweepOrphans(String prefix) {
    try (var dirs = Files.newDirectoryStream(base(), prefix + "*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner)) {
          continue;
        }
        try {
          long pid = Long.parseLong(Files.readString(owner).trim());
          if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
        } catch (NumberFormatException | IOException e) {
          continue;
        }
        log.info("event=orphan_tempdir_removed dir={}", dir);
        deleteQuietly(dir);
      }
    } catch (IOException e) {
      log.debug("event=orphan_sweep_failed error={}", e.toString());
    }
  }

  /** Deletes a tree; logs instead of failing, since it runs during close and shutdown. */
  static void deleteQuietly(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("event=tempdir_delete_failed dir={} error={}", root, e.toString());
    }
  }

  /** The last {@code maxLines} lines of a log file, for error messages. */
  static String tail(Path file, int maxLines) {
    try {
      var lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
