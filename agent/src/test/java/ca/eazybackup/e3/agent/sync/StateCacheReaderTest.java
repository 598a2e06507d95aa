package ca.eazybackup.e3.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateCacheReaderTest {
  @TempDir Path tmp;

  /** How many of this process's open file descriptors point at {@code file} (Linux /proc). */
  private static long openHandles(Path file) throws Exception {
    Path fds = Path.of("/proc/self/fd");
    Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc to count open files");
    Path real = file.toRealPath();
    try (Stream<Path> s = Files.list(fds)) {
      return s.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).equals(real);
                } catch (Exception e) {
                  return false;
                }
              })
          .count();
    }
  }

  @Test
  void aTornStateFileIsIgnoredAndNotLeftOpen() throws Exception {
    // One byte: readUTF needs two for the length, so it throws at open.
    Path torn = Files.write(tmp.resolve("state.bin"), new byte[] {0});

    StateCache.Reader reader = new StateCache.Reader(torn);

    assertThat(reader.find("any/key")).isNull();
    assertThat(openHandles(torn)).as("no handle left on the torn file").isZero();
    reader.close();
  }
}
