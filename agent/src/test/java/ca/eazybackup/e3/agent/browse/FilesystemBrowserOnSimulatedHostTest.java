package ca.eazybackup.e3.agent.browse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser through the simulated Windows host, as the agent runs it on Linux. */
class FilesystemBrowserOnSimulatedHostTest {
  @TempDir Path root;
  private SimulatedWindowsHost host;
  private FilesystemBrowser browser;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(root.resolve("shares/fileserver/documents/Reports"));
    Files.writeString(
        root.resolve("volumes.json"),
        "{\"C\":{\"label\":\"OS\",\"filesystem\":\"NTFS\",\"size_bytes\":511101108224}}");
    Files.writeString(
        root.resolve("share-credentials.json"),
        "[{\"share\":\"\\\\\\\\fileserver\\\\documents\",\"username\":\"alice\",\"password\":\"pw-123\"}]");
    host = SimulatedWindowsHost.builder(root).build();
    browser = new FilesystemBrowser(host);
  }

  @Test
  void listsDrivesIncludingANetworkDriveWithItsUncPath() throws Exception {
    host.networkShares()
        .connect("\\\\fileserver\\documents", "alice", "pw-123".toCharArray(), null);
    host.drives().map('Z', "\\\\fileserver\\documents", false);

    ObjectNode result = browser.browse("");
    assertThat(result.get("total").asInt()).isEqualTo(2);
    JsonNode c = result.get("entries").get(0);
    assertThat(c.get("name").asText()).isEqualTo("C:");
    assertThat(c.get("label").asText()).isEqualTo("OS");
    assertThat(c.get("size_bytes").asLong()).isEqualTo(511101108224L);
    assertThat(c.get("filesystem").asText()).isEqualTo("NTFS");
    assertThat(c.get("drive_type").asText()).isEqualTo("fixed");
    assertThat(c.get("icon").asText()).isEqualTo("drive");
    JsonNode z = result.get("entries").get(1);
    assertThat(z.get("name").asText()).isEqualTo("Z:");
    assertThat(z.get("path").asText()).isEqualTo("Z:\\");
    assertThat(z.get("drive_type").asText()).isEqualTo("network");
    assertThat(z.get("icon").asText()).isEqualTo("network-drive");
    assertThat(z.get("unc_path").asText()).isEqualTo("\\\\fileserver\\documents");
    assertThat(z.get("is_network").asBoolean()).isTrue();
    assertThat(z.get("label").asText()).isEqualTo("documents");

    assertThat(browser.browse("Z:\\").get("entries").get(0).get("name").asText())
        .isEqualTo("Reports");
  }

  @Test
  void aProtectedShareIsBrowsableOnlyAfterLogon() throws Exception {
    assertThatThrownBy(() -> browser.browse("\\\\fileserver\\documents"))
        .isInstanceOf(BrowseException.class)
        .hasMessageContaining("ERROR_ACCESS_DENIED");
    host.networkShares()
        .connect("\\\\fileserver\\documents", "alice", "pw-123".toCharArray(), null);
    ObjectNode result = browser.browse("\\\\fileserver\\documents");
    assertThat(result.get("parent").asText()).isEmpty();
    assertThat(result.get("entries").get(0).get("path").asText())
        .isEqualTo("\\\\fileserver\\documents\\Reports");
  }

  @Test
  void symlinksOutOfADriveFolderAreNotFollowed() throws Exception {
    Path outside = Files.createDirectories(root.resolve("outside"));
    Files.createDirectories(root.resolve("drives/C/data"));
    Files.createSymbolicLink(root.resolve("drives/C/data/out"), outside);
    JsonNode entry = browser.browse("C:\\data").get("entries").get(0);
    assertThat(entry.get("link_escapes").asBoolean()).isTrue();
    assertThatThrownBy(() -> browser.browse("C:\\data\\out"))
        .isInstanceOf(BrowseException.class)
        .hasMessageContaining("not followed");
  }

  @Test
  void nativePathsArePassedThrough() throws Exception {
    Files.createDirectories(root.resolve("native/x"));
    ObjectNode result = browser.browse(root.resolve("native").toString());
    assertThat(result.get("entries").get(0).get("path").asText())
        .isEqualTo(root.resolve("native/x").toString());
    assertThat(result.get("parent").asText()).isEqualTo(root.toString());
  }
}
