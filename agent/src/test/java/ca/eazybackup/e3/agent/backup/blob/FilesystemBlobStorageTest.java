package ca.eazybackup.e3.agent.backup.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemBlobStorageTest {
  @TempDir Path dir;

  // Layout: kopia repo/blob/sharded/sharded_parameters.go (default [1,3], maxNonShardedLength 20)
  @Test
  void newRepositoryUsesKopiasShardingAndWritesShardsFile() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    assertThat(Files.readString(dir.resolve(".shards")))
        .isEqualTo("{\"default\":[1,3],\"maxNonShardedLength\":20}\n");
    String id = "p0123456789abcdef0123456789abcdef-s0011";
    st.put(id, "x".getBytes(StandardCharsets.US_ASCII));
    assertThat(dir.resolve("p").resolve("012").resolve("3456789abcdef0123456789abcdef-s0011.f"))
        .exists();
    st.put("kopia.repository", new byte[] {1});
    assertThat(dir.resolve("kopia.repository.f")).exists();
    assertThat(st.pathOf("xn0_abc")).isEqualTo(dir.resolve("xn0_abc.f"));
  }

  @Test
  void existingDirectoryWithoutShardsFileUsesLegacyLayout() throws Exception {
    Files.writeString(dir.resolve("kopia.repository.f"), "{}");
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    assertThat(st.pathOf("p0123456789abcdef0123456789abcdef"))
        .isEqualTo(dir.resolve("p01").resolve("234").resolve("56789abcdef0123456789abcdef.f"));
  }

  @Test
  void getsRangesListsByPrefixStatsAndDeletes() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    st.put("p0123456789abcdef0123456789abcdef", "hello world".getBytes(StandardCharsets.US_ASCII));
    st.put("q0123456789abcdef0123456789abcdef", "meta".getBytes(StandardCharsets.US_ASCII));
    st.put("xn0_aaaa", "i".getBytes(StandardCharsets.US_ASCII));
    assertThat(
            new String(
                st.get("p0123456789abcdef0123456789abcdef", 6, 5), StandardCharsets.US_ASCII))
        .isEqualTo("world");
    assertThat(st.get("p0123456789abcdef0123456789abcdef", 0, -1)).hasSize(11);
    List<String> ids = new ArrayList<>();
    st.list("p", m -> ids.add(m.blobId()));
    assertThat(ids).containsExactly("p0123456789abcdef0123456789abcdef");
    List<String> all = new ArrayList<>();
    st.list("", m -> all.add(m.blobId()));
    assertThat(all)
        .containsExactlyInAnyOrder(
            "p0123456789abcdef0123456789abcdef", "q0123456789abcdef0123456789abcdef", "xn0_aaaa");
    assertThat(st.stat("xn0_aaaa")).get().extracting(BlobMetadata::length).isEqualTo(1L);
    st.delete("xn0_aaaa");
    st.delete("xn0_aaaa");
    assertThat(st.stat("xn0_aaaa")).isEmpty();
    assertThatThrownBy(() -> st.get("xn0_aaaa", 0, -1)).isInstanceOf(BlobNotFoundException.class);
    assertThatThrownBy(() -> st.get("p0123456789abcdef0123456789abcdef", 5, 100))
        .hasMessageContaining("outside blob");
  }

  @Test
  void rejectsIdsThatWouldEscapeTheRoot() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    assertThatThrownBy(() -> st.put("../evil", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> st.put(".shards", new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overwriteLeavesNoTemporaryFiles() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    st.put("kopia.repository", new byte[] {1});
    st.put("kopia.repository", new byte[] {2, 3});
    assertThat(st.get("kopia.repository", 0, -1)).containsExactly(2, 3);
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp."));
    }
  }

  /**
   * A blob survives a power cut once put returns: its data is synced under the temp name before the
   * rename (a rename alone may reach the disk before the data, leaving an empty or torn blob under
   * the final name), and the folder after it (else the rename itself may be lost), as are the
   * entries of new shard folders.
   */
  @Test
  void putSyncsTheDataBeforeTheRenameAndTheFolderAfterIt() throws Exception {
    List<String> steps = new ArrayList<>();
    String id = "p0123456789abcdef0123456789abcdef-s0011";
    Path blob = dir.resolve("p").resolve("012").resolve("3456789abcdef0123456789abcdef-s0011.f");
    FilesystemBlobStorage.Durability recording =
        new FilesystemBlobStorage.Durability() {
          @Override
          public void syncFile(java.nio.channels.FileChannel ch, Path file)
              throws java.io.IOException {
            steps.add(
                "file "
                    + dir.relativize(file).toString().replaceAll("\\.tmp\\..*", ".tmp")
                    + " size="
                    + ch.size()
                    + (Files.exists(blob) ? " (blob already renamed)" : ""));
            FilesystemBlobStorage.REAL.syncFile(ch, file);
          }

          @Override
          public void syncDirectory(Path d) throws java.io.IOException {
            steps.add("dir " + dir.relativize(d) + (Files.exists(blob) ? " (blob in place)" : ""));
            FilesystemBlobStorage.REAL.syncDirectory(d);
          }
        };
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir, recording);
    steps.clear(); // the .shards file's own writes
    st.put(id, "hello".getBytes(StandardCharsets.US_ASCII));
    assertThat(steps)
        .containsExactly(
            "dir ", // new shard folder p
            "dir p", // new shard folder p/012
            "file p/012/3456789abcdef0123456789abcdef-s0011.f.tmp size=5",
            "dir p/012 (blob in place)");
    assertThat(Files.readString(blob)).isEqualTo("hello");
  }
}
