package ca.eazybackup.e3.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateCacheWriterTest {
  @TempDir Path tmp;

  private static void write(StateCache.Writer w, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      w.settle(
          w.reserve(),
          new StateCache.Entry(prefix + String.format("/%05d", i), i, 1000L * i, "etag-" + i));
    }
  }

  private static int count(Path file, String prefix, int n) {
    int found = 0;
    try (StateCache.Reader r = new StateCache.Reader(file)) {
      for (int i = 0; i < n; i++) {
        StateCache.Entry e = r.find(prefix + String.format("/%05d", i));
        if (e != null && e.etag().equals("etag-" + i)) {
          found++;
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }

  /**
   * Two writers of one destination at once (two jobs sharing it; an abandoned engine still writing
   * while the reclaimed run starts over): each writes a file of its own, so the one that closes
   * last publishes its entries whole, and one that gives up does not take the other's file with it.
   * With one fixed temp name the second writer truncated the first's file and an abandon deleted it
   * under the other.
   */
  @Test
  void twoWritersOfOneDestinationNeverMixTheirFiles() throws Exception {
    Path target = tmp.resolve("sync-state-abc.bin");
    StateCache.Writer first = new StateCache.Writer(target);
    StateCache.Writer second = new StateCache.Writer(target);
    StateCache.Writer gaveUp = new StateCache.Writer(target);
    write(first, "a", 3000);
    write(second, "b", 2000);
    gaveUp.abandon();

    first.close();
    assertThat(count(target, "a", 3000)).as("the first writer's entries, whole").isEqualTo(3000);
    second.close();
    assertThat(count(target, "b", 2000)).as("the second writer's entries, whole").isEqualTo(2000);
    assertThat(count(target, "a", 3000)).as("nothing of the first left in the second's").isZero();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("sync-state-abc.bin");
    }
  }
}
