package ca.eazybackup.e3.agent.timemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.testing.MemoryContentStore;
import ca.eazybackup.e3.agent.backup.testing.TestRepo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One folder of a snapshot, paged as browse_directory pages: 10,000 files and some folders. */
class SnapshotBrowserTest {
  static final int FILES = 10_000;
  @TempDir static Path tmp;
  static TestRepo repo;
  static SnapshotManifest snapshot;

  @BeforeAll
  static void backUp() throws Exception {
    Path src = tmp.resolve("src");
    Path big = src.resolve("big");
    Files.createDirectories(big);
    for (int i = 0; i < FILES; i++) {
      Files.writeString(big.resolve(String.format(Locale.ROOT, "f%05d.txt", i)), "x".repeat(i % 7));
    }
    for (String d : List.of("zz-last-folder", "a-folder", "m-folder")) {
      Files.createDirectories(big.resolve(d));
      Files.writeString(big.resolve(d).resolve("inside.txt"), "12345");
    }
    repo = new TestRepo(new MemoryContentStore(), tmp.resolve("spill"), src.toString());
    snapshot = repo.backup(src).manifest();
  }

  @Test
  void aTenThousandEntryFolderPagesByAThousandFoldersFirst() throws Exception {
    List<String> names = new ArrayList<>();
    int offset = 0;
    int pages = 0;
    while (true) {
      ObjectNode page = SnapshotBrowser.browse(repo.objects(), snapshot, "/big/", offset);
      pages++;
      assertThat(page.get("total").asInt()).isEqualTo(FILES + 3);
      assertThat(page.get("offset").asInt()).isEqualTo(offset);
      assertThat(page.get("entries").size()).isLessThanOrEqualTo(SnapshotBrowser.PAGE);
      for (JsonNode e : page.get("entries")) {
        names.add(e.get("name").asText());
      }
      offset += page.get("entries").size();
      if (!page.get("truncated").asBoolean()) {
        break;
      }
    }
    assertThat(pages).isEqualTo(11);
    assertThat(names).hasSize(FILES + 3).doesNotHaveDuplicates();
    assertThat(names.subList(0, 3)).containsExactly("a-folder", "m-folder", "zz-last-folder");
    assertThat(names.get(3)).isEqualTo("f00000.txt");
    assertThat(names.get(FILES + 2)).isEqualTo("f09999.txt");
  }

  @Test
  void entriesCarryTypeSizeTimeAndThePathToOpenThem() throws Exception {
    ObjectNode page = SnapshotBrowser.browse(repo.objects(), snapshot, "big", 3 + 6);
    JsonNode f = page.get("entries").get(0);
    assertThat(f.get("name").asText()).isEqualTo("f00006.txt");
    assertThat(f.get("path").asText()).isEqualTo("big/f00006.txt");
    assertThat(f.get("type").asText()).isEqualTo("file");
    assertThat(f.get("size_bytes").asLong()).isEqualTo(6);
    assertThat(f.get("modified").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(page.get("parent").asText()).isEmpty();

    ObjectNode folder = SnapshotBrowser.browse(repo.objects(), snapshot, "big/m-folder", 0);
    assertThat(folder.get("entries").get(0).get("size_bytes").asLong()).isEqualTo(5);
    assertThat(folder.get("parent").asText()).isEqualTo("big");
    ObjectNode root = SnapshotBrowser.browse(repo.objects(), snapshot, "", 0);
    assertThat(root.get("entries").get(0).get("type").asText()).isEqualTo("dir");
    assertThat(root.get("entries").get(0).get("size_bytes").asLong()).isGreaterThan(15);
  }

  @Test
  void aMissingFolderOrAFileOrDotDotIsRefusedClearly() {
    assertThatThrownBy(() -> SnapshotBrowser.browse(repo.objects(), snapshot, "big/nope", 0))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> SnapshotBrowser.browse(repo.objects(), snapshot, "big/f00001.txt", 0))
        .isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> SnapshotBrowser.browse(repo.objects(), snapshot, "big/../big", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("..");
  }
}
