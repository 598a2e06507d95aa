package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Runs inside the S3Proxy child JVM (copied alone next to the S3Proxy jar, so none of our
 * dependencies reach that classpath): exits when its stdin closes, i.e. when the JVM that started
 * it dies, even by SIGKILL. Then it runs S3Proxy's own main.
 */
final class S3ProxyLauncher {
  private S3ProxyLauncher() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the parent never writes; end of input means it is gone
                }
              } catch (IOException e) {
                // a broken pipe means the same
              }
              deleteTree(System.getProperty("e3.s3proxy.orphanCleanup"));
              System.exit(0);
            },
            "e3-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Class.forName("org.gaul.s3proxy.Main")
        .getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }

  /** Our parent died without close(): remove the temp dir it would have removed. */
  private static void deleteTree(String dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(Path.of(dir))) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // best effort; the next fixture start sweeps leftovers too
    }
  }
}
