package ca.eazybackup.e3.agent.backup.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.blob.CountingBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore's bulk read path: contents grouped by pack, one ranged GET per group, all verified. */
class GroupedReadTest {
  private static final String PASSWORD = "correct horse";

  @TempDir Path dir;
  @TempDir Path cache;
  private final Map<ContentId, byte[]> written = new HashMap<>();

  @BeforeEach
  void writeManySmallContents() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      Random rnd = new Random(7);
      for (int i = 0; i < 300; i++) {
        byte[] d = new byte[1000 + rnd.nextInt(15_000)];
        rnd.nextBytes(d);
        written.put(r.contents().write(d, 0, d.length, "", "zstd"), d);
      }
      r.contents().flush();
    }
  }

  @Test
  void manyContentsOfOnePackAreReadWithAFewGetsAndMatchWhatWasWritten() throws Exception {
    CountingBlobStorage counting = new CountingBlobStorage(FilesystemBlobStorage.open(dir));
    try (Repository r = Repository.open(counting, PASSWORD, cache)) {
      ContentStore cs = r.contents();
      List<List<ContentId>> groups = cs.groupForReading(written.keySet());
      assertThat(groups).hasSizeLessThan(5);
      assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(written.size());
      long getsBefore = counting.stats().gets();
      Map<ContentId, byte[]> read = new HashMap<>();
      for (List<ContentId> g : groups) {
        cs.readGroup(
            g, (id, buf, off, len) -> read.put(id, Arrays.copyOfRange(buf, off, off + len)));
      }
      assertThat(counting.stats().gets() - getsBefore).isEqualTo(groups.size());
      assertThat(read).hasSameSizeAs(written);
      written.forEach((id, data) -> assertThat(read.get(id)).isEqualTo(data));
    }
  }

  @Test
  void aCorruptedPackFailsTheGroupReadWithTheContentId() throws Exception {
    List<Path> packs = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile)
          .filter(p -> dir.relativize(p).toString().startsWith("p")) // p packs, sharded
          .forEach(packs::add);
    }
    assertThat(packs).isNotEmpty();
    for (Path p : packs) {
      byte[] d = Files.readAllBytes(p);
      d[d.length / 3] ^= 0x5a;
      Files.write(p, d);
    }
    try (Repository r = Repository.open(FilesystemBlobStorage.open(dir), PASSWORD, cache)) {
      ContentStore cs = r.contents();
      List<List<ContentId>> groups = cs.groupForReading(written.keySet());
      assertThatThrownBy(
              () -> {
                for (List<ContentId> g : groups) {
                  cs.readGroup(g, (id, buf, off, len) -> {});
                }
              })
          .isInstanceOf(ContentCorruptedException.class)
          .hasMessageContaining("corrupted");
    }
  }
}
