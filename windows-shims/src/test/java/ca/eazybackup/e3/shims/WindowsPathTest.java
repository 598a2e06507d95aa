package ca.eazybackup.e3.shims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WindowsPathTest {

  @Test
  void normalizesDrivePathsWithEitherSeparator() throws ShimException {
    WindowsPath p = WindowsPath.parse("c:/Users\\\\alice/./Documents\\");
    assertThat(p.kind()).isEqualTo(WindowsPath.Kind.DRIVE);
    assertThat(p.driveLetter()).isEqualTo('C');
    assertThat(p).hasToString("C:\\Users\\alice\\Documents");
    assertThat(p.parent().orElseThrow()).hasToString("C:\\Users\\alice");
    assertThat(WindowsPath.parse("D:")).hasToString("D:\\");
    assertThat(WindowsPath.parse("D:\\").isRoot()).isTrue();
  }

  @Test
  void splitsUncPathsIntoShareRootAndFolders() throws ShimException {
    WindowsPath p = WindowsPath.parse("\\\\fileserver\\documents\\Reports\\2026");
    assertThat(p.kind()).isEqualTo(WindowsPath.Kind.UNC);
    assertThat(p.root()).isEqualTo("\\\\fileserver\\documents");
    assertThat(p.server()).isEqualTo("fileserver");
    assertThat(p.share()).isEqualTo("documents");
    assertThat(p.segments()).containsExactly("Reports", "2026");
    assertThat(p.child("q1.xlsx")).hasToString("\\\\fileserver\\documents\\Reports\\2026\\q1.xlsx");
    assertThat(WindowsPath.parse("//nas/backup/x")).hasToString("\\\\nas\\backup\\x");
  }

  @Test
  void keepsNativeAbsolutePaths() throws ShimException {
    WindowsPath p = WindowsPath.parse("/srv/data/x");
    assertThat(p.kind()).isEqualTo(WindowsPath.Kind.NATIVE);
    assertThat(p).hasToString("/srv/data/x");
    assertThat(p.parent().orElseThrow()).hasToString("/srv/data");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "C:\\Users\\..\\Windows",
        "C:\\..",
        "C:/a/../../b",
        "\\\\server\\share\\..\\other",
        "\\\\server\\..\\x",
        "C:\\a\\...\\b",
        "C:\\a\\. .\\b",
        "/srv/../etc",
        "\\\\.\\PhysicalDrive0",
        "\\\\?\\C:\\Windows",
        "//./pipe/x",
        "//?/UNC/server/share",
        "\\??\\C:\\x",
        "C:\\a\u0000b",
        "C:\\file.txt:secret",
        "C:\\folder\\CON",
        "C:\\folder\\nul.txt",
        "C:\\folder\\COM1",
        "C:relative",
        "relative\\path",
        "\\\\serveronly",
        "C:\\a<b",
        ""
      })
  void refusesEveryHostileForm(String hostile) {
    assertThatThrownBy(() -> WindowsPath.parse(hostile))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.error()).isEqualTo(Win32Error.ERROR_INVALID_NAME));
  }

  @Test
  void normalizedPathsAreValidJimfsWindowsPaths() throws ShimException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.windows())) {
      for (String raw : List.of("C:/Users/alice", "c:\\Program Files\\E3Backup\\", "C:")) {
        WindowsPath parsed = WindowsPath.parse(raw);
        assertThat(fs.getPath(parsed.toString()).isAbsolute()).isTrue();
        assertThat(fs.getPath(parsed.toString()).toString()).isEqualTo(parsed.toString());
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void uncShareRootIsExtractedFromAnyDepth() {
    assertThat(UncPaths.shareRoot("\\\\fileserver\\documents\\a\\b.txt"))
        .hasValue("\\\\fileserver\\documents");
    assertThat(UncPaths.shareRoot("\\\\fileserver\\documents"))
        .hasValue("\\\\fileserver\\documents");
    assertThat(UncPaths.shareRoot("//nas/photos/2024")).hasValue("\\\\nas\\photos");
    assertThat(UncPaths.shareRoot("C:\\Users")).isEmpty();
    assertThat(UncPaths.shareRoot("/srv/x")).isEmpty();
    assertThat(UncPaths.shareRoot("\\\\?\\UNC\\server\\share")).isEmpty();
    assertThat(UncPaths.shareRoot("\\\\server")).isEmpty();
    assertThat(UncPaths.shareRoot(null)).isEmpty();
  }

  @Test
  void win32ErrorsReadWithTheirNames() {
    assertThat(Win32Error.describe(1326))
        .isEqualTo("ERROR_LOGON_FAILURE (1326): The user name or password is incorrect.");
    assertThat(Win32Error.describe(5)).startsWith("ERROR_ACCESS_DENIED (5)");
    assertThat(Win32Error.describe(99999)).isEqualTo("Win32 error 99999");
    ShimException e = ShimException.win32("WNetAddConnection2(\\\\s\\x)", 1219, "hint.");
    assertThat(e.getMessage())
        .startsWith("WNetAddConnection2(\\\\s\\x) failed: ERROR_SESSION_CREDENTIAL_CONFLICT (1219)")
        .endsWith(" hint.");
    assertThat(e.error()).isEqualTo(Win32Error.ERROR_SESSION_CREDENTIAL_CONFLICT);
  }

  @Test
  void registryKeysAcceptShortAndLongHiveNames() throws ShimException {
    assertThat(RegistryKey.parse("HKEY_CURRENT_USER\\Software\\X\\"))
        .isEqualTo(new RegistryKey("HKCU", "Software\\X"));
    assertThat(RegistryKey.parse("HKLM:\\SYSTEM").machineWide()).isTrue();
    assertThatThrownBy(() -> RegistryKey.parse("HKXX\\foo")).isInstanceOf(ShimException.class);
  }

  @Test
  void webDavMappingsGetTheUncFormAndMountPointKeyExplorerUses() {
    assertThat(WindowsKeys.uncOf("http://127.0.0.1:51234/"))
        .isEqualTo("\\\\127.0.0.1@51234\\DavWWWRoot");
    assertThat(WindowsKeys.mountPointKey("http://127.0.0.1:51234/"))
        .endsWith("MountPoints2\\##127.0.0.1@51234#DavWWWRoot");
    assertThat(WindowsKeys.mountPointKey("\\\\fileserver\\documents"))
        .endsWith("MountPoints2\\##fileserver#documents");
  }
}
