package ca.eazybackup.e3.agent.browse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The browser on jimfs in its Windows configuration (drives C: and D:). */
class FilesystemBrowserTest {
  private FileSystem fs;
  private FilesystemBrowser browser;

  @BeforeEach
  void setUp() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.windows().toBuilder().setRoots("C:\\", "D:\\").build());
    browser = new FilesystemBrowser(fs);
    Files.createDirectories(fs.getPath("C:\\Users\\alice"));
    Path ini = Files.writeString(fs.getPath("C:\\Users\\desktop.ini"), "x".repeat(174));
    Files.setLastModifiedTime(ini, FileTime.from(Instant.parse("2026-01-02T10:00:00.123Z")));
  }

  @AfterEach
  void tearDown() throws IOException {
    fs.close();
  }

  private static List<String> names(JsonNode result) {
    List<String> names = new ArrayList<>();
    result.get("entries").forEach(e -> names.add(e.get("name").asText()));
    return names;
  }

  @Test
  void listsAFolderInTheAddonFormat() throws Exception {
    ObjectNode result = browser.browse("C:\\Users");
    assertThat(result.get("path").asText()).isEqualTo("C:\\Users");
    assertThat(result.get("parent").asText()).isEqualTo("C:\\");
    assertThat(result.get("truncated").asBoolean()).isFalse();
    assertThat(result.get("total").asInt()).isEqualTo(2);
    JsonNode alice = result.get("entries").get(0);
    assertThat(alice.get("name").asText()).isEqualTo("alice");
    assertThat(alice.get("path").asText()).isEqualTo("C:\\Users\\alice");
    assertThat(alice.get("type").asText()).isEqualTo("dir");
    assertThat(alice.get("icon").asText()).isEqualTo("folder");
    assertThat(alice.get("size_bytes").asLong()).isZero();
    JsonNode ini = result.get("entries").get(1);
    assertThat(ini.get("type").asText()).isEqualTo("file");
    assertThat(ini.get("icon").asText()).isEqualTo("file-system");
    assertThat(ini.get("size_bytes").asLong()).isEqualTo(174);
    assertThat(ini.get("modified").asText()).isEqualTo("2026-01-02T10:00:00Z");
    assertThat(ini.has("link")).isFalse();
  }

  @Test
  void aDriveRootGoesUpToTheDriveListAndAcceptsEitherSpelling() throws Exception {
    assertThat(browser.browse("c:").get("path").asText()).isEqualTo("C:\\");
    assertThat(browser.browse("C:/").get("parent").asText()).isEmpty();
    assertThat(names(browser.browse("C:/Users/"))).containsExactly("alice", "desktop.ini");
  }

  @Test
  void capsAFolderOfFifteenHundredEntriesAtOneThousandFoldersFirst() throws Exception {
    Path big = Files.createDirectories(fs.getPath("C:\\big"));
    for (int i = 0; i < 1200; i++) {
      Files.createFile(big.resolve(String.format("file-%04d.txt", i)));
    }
    for (int i = 0; i < 300; i++) {
      // mixed case: ordering must ignore it
      Files.createDirectory(big.resolve(String.format(i % 2 == 0 ? "Dir-%04d" : "dir-%04d", i)));
    }
    ObjectNode result = browser.browse("C:\\big");
    assertThat(result.get("total").asInt()).isEqualTo(1500);
    assertThat(result.get("truncated").asBoolean()).isTrue();
    assertThat(result.get("entries")).hasSize(1000);
    List<String> names = names(result);
    assertThat(names.subList(0, 300))
        .allMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("dir-"));
    assertThat(names.subList(0, 300)).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    assertThat(names.get(0)).isEqualTo("Dir-0000");
    assertThat(names.get(1)).isEqualTo("dir-0001");
    assertThat(names.get(300)).isEqualTo("file-0000.txt");
    assertThat(names.get(999)).isEqualTo("file-0699.txt");
    assertThat(result.get("entries").get(300).get("icon").asText()).isEqualTo("file-document");
  }

  @Test
  void givesIconHintsByExtension() throws Exception {
    Path dir = Files.createDirectories(fs.getPath("C:\\mix"));
    for (String name :
        List.of("a.JPG", "b.zip", "c.docx", "d.java", "e.dll", "f.unknownext", "g")) {
      Files.createFile(dir.resolve(name));
    }
    List<String> icons = new ArrayList<>();
    browser.browse("C:\\mix").get("entries").forEach(e -> icons.add(e.get("icon").asText()));
    assertThat(icons)
        .containsExactly(
            "file-image",
            "file-archive",
            "file-document",
            "file-code",
            "file-system",
            "file",
            "file");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "C:\\Users\\..\\..",
        "C:\\Users\\alice\\..\\..\\Windows",
        "C:/Users/../..",
        "..\\Users",
        "\\\\.\\C:",
        "\\\\.\\PhysicalDrive0",
        "\\\\?\\C:\\Users",
        "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1",
        "C:\\Users\u0000\\alice",
        "C:\\Users\\desktop.ini:stream",
        "C:\\Users\\CON",
        "C:Users"
      })
  void refusesEveryTraversalForm(String hostile) {
    assertThatThrownBy(() -> browser.browse(hostile))
        .isInstanceOf(BrowseException.class)
        .hasMessageStartingWith("Refused path");
  }

  @Test
  void missingFoldersAndFilesGiveClearErrors() {
    assertThatThrownBy(() -> browser.browse("C:\\nope"))
        .isInstanceOf(BrowseException.class)
        .hasMessage("Folder C:\\nope does not exist");
    assertThatThrownBy(() -> browser.browse("C:\\Users\\desktop.ini"))
        .isInstanceOf(BrowseException.class)
        .hasMessage("C:\\Users\\desktop.ini is a file, not a folder");
  }

  @Test
  void linksLeavingTheVolumeAreListedFlaggedAndNotFollowed() throws Exception {
    Files.createDirectories(fs.getPath("D:\\secret"));
    Files.createDirectories(fs.getPath("C:\\data\\inside"));
    Files.createSymbolicLink(fs.getPath("C:\\data\\escape"), fs.getPath("D:\\secret"));
    Files.createSymbolicLink(fs.getPath("C:\\data\\shortcut"), fs.getPath("C:\\data\\inside"));
    Files.createSymbolicLink(fs.getPath("C:\\data\\dangling"), fs.getPath("C:\\gone"));

    ObjectNode result = browser.browse("C:\\data");
    assertThat(names(result)).containsExactly("escape", "inside", "shortcut", "dangling");
    JsonNode escape = result.get("entries").get(0);
    assertThat(escape.get("link").asBoolean()).isTrue();
    assertThat(escape.get("link_escapes").asBoolean()).isTrue();
    JsonNode shortcut = result.get("entries").get(2);
    assertThat(shortcut.get("link_escapes").asBoolean()).isFalse();
    assertThat(result.get("entries").get(3).get("link_escapes").asBoolean()).isTrue();

    assertThatThrownBy(() -> browser.browse("C:\\data\\escape"))
        .isInstanceOf(BrowseException.class)
        .hasMessageContaining("leads outside C:\\");
    assertThat(browser.browse("C:\\data\\shortcut").get("path").asText())
        .isEqualTo("C:\\data\\shortcut");
  }

  @Test
  void emptyPathListsTheFileSystemsDrives() throws Exception {
    ObjectNode result = browser.browse("");
    assertThat(result.get("path").asText()).isEmpty();
    assertThat(result.get("parent").isNull()).isTrue();
    assertThat(names(result)).containsExactly("C:", "D:");
    JsonNode c = result.get("entries").get(0);
    assertThat(c.get("path").asText()).isEqualTo("C:\\");
    assertThat(c.get("type").asText()).isEqualTo("drive");
    assertThat(c.get("is_network").asBoolean()).isFalse();
    assertThat(c.get("unc_path").isNull()).isTrue();
  }
}
