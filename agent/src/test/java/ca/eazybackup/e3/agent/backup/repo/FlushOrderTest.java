package ca.eazybackup.e3.agent.backup.repo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushOrderTest {
  @TempDir Path dir;

  /** Records the order in which blobs become visible. */
  private static final class PutLog implements BlobStorage {
    final BlobStorage inner;
    final List<String> puts = new CopyOnWriteArrayList<>();

    PutLog(BlobStorage inner) {
      this.inner = inner;
    }

    @Override
    public byte[] get(String id, long off, long len) throws IOException {
      return inner.get(id, off, len);
    }

    @Override
    public void put(String id, byte[] data) throws IOException {
      inner.put(id, data);
      puts.add(id);
    }

    @Override
    public void delete(String id) throws IOException {
      inner.delete(id);
    }

    @Override
    public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
      inner.list(prefix, each);
    }

    @Override
    public Optional<BlobMetadata> stat(String id) throws IOException {
      return inner.stat(id);
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }

  @Test
  void everyPackIsStoredBeforeTheIndexThatNamesItAndAnEmptyFlushWritesNothing() throws Exception {
    PutLog log = new PutLog(FilesystemBlobStorage.open(dir));
    RepositoryOptions opts =
        new RepositoryOptions(
            "BLAKE2B-256-128", "AES256-GCM-HMAC-SHA256", "FIXED-4M", 10 << 20, "none");
    try (Repository r = Repository.create(log, "pw", opts)) {
      Random rnd = new Random(5);
      for (int i = 0; i < 48; i++) { // 24 MiB: two full packs uploaded in the background
        byte[] d = new byte[512 * 1024];
        rnd.nextBytes(d);
        r.contents().write(d, 0, d.length, "", "none");
      }
      r.contents().write(new byte[] {1}, 0, 1, "k", "none");
      r.contents().flush();
      int after = log.puts.size();
      r.contents().flush();
      assertThat(log.puts).hasSize(after);
    }
    List<String> puts = log.puts;
    int index = -1;
    for (int i = 0; i < puts.size(); i++) {
      if (puts.get(i).startsWith("xn")) {
        index = i;
      }
    }
    assertThat(index).isEqualTo(puts.size() - 1);
    assertThat(puts.subList(0, index)).filteredOn(b -> b.startsWith("p")).hasSize(3);
    assertThat(puts.subList(0, index)).filteredOn(b -> b.startsWith("q")).hasSize(1);
    assertThat(puts.get(0)).isEqualTo("kopia.blobcfg");
    assertThat(puts.get(1)).isEqualTo("kopia.repository");
    assertThat(puts.get(2)).startsWith("s"); // session marker before the first pack
  }
}
