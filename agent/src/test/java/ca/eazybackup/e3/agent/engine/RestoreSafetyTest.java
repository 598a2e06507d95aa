package ca.eazybackup.e3.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestoreSafetyTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "C:x", // drive-relative: out.resolve("C:x") leaves the target on Windows
        "file.txt:secret", // alternate data stream
        "C:",
        "CON",
        "con",
        "NUL.txt",
        "nul .txt",
        "COM1",
        "LPT9.log",
        "COM\u00b9",
        "AUX",
        "PRN.tar.gz",
        "CONIN$",
        "trailing.",
        "trailing ",
        "..",
        ".",
        "",
        "a/b",
        "a\\b",
        "\\\\server\\share",
        "/etc/passwd",
        "x<y",
        "x>y",
        "x|y",
        "what?",
        "star*",
        "quo\"te",
        "nul\u0000byte",
        "tab\tname"
      })
  void hostileNamesAreRefusedWithAReason(String name) {
    assertThat(RestoreSafety.unsafeNameReason(name)).as(name).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "report.docx",
        ".hidden",
        "CONFIG.SYS",
        "console.log",
        "COM10",
        "LPT",
        "a b",
        "naïve — ünïcode.txt",
        "..hidden",
        "name.with.dots"
      })
  void ordinaryNamesPass(String name) {
    assertThat(RestoreSafety.unsafeNameReason(name)).as(name).isNull();
  }

  @Test
  void deleteExtraIsRefusedOnRootsSystemFoldersAndProfileRootsByWindowsRules() throws Exception {
    try (FileSystem win = Jimfs.newFileSystem(Configuration.windows())) {
      for (String refused :
          new String[] {
            "C:\\",
            "D:\\",
            "C:\\Windows",
            "C:\\windows",
            "C:\\Users",
            "C:\\Users\\Ann",
            "C:\\Program Files",
            "C:\\ProgramData"
          }) {
        assertThat(RestoreSafety.deleteExtraRefusal(win.getPath(refused))).as(refused).isNotNull();
      }
      for (String allowed :
          new String[] {"C:\\Restore", "C:\\Users\\Ann\\Documents", "D:\\Data\\Mirror"}) {
        assertThat(RestoreSafety.deleteExtraRefusal(win.getPath(allowed))).as(allowed).isNull();
      }
    }
    assertThat(RestoreSafety.deleteExtraRefusal(Path.of("/"))).isNotNull();
    assertThat(RestoreSafety.deleteExtraRefusal(Path.of("/home/ann"))).isNotNull();
    assertThat(RestoreSafety.deleteExtraRefusal(Path.of("/etc"))).isNotNull();
    assertThat(RestoreSafety.deleteExtraRefusal(tmp.resolve("mirror"))).isNull();
  }

  @Test
  void aSymlinkWhereAFolderBelongsIsReplacedNeverFollowed() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("target"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(target.resolve("docs"), elsewhere);

    int replaced = RestoreSafety.createRealDirectories(target, target.resolve("docs/sub"));

    assertThat(replaced).isEqualTo(1);
    assertThat(Files.isSymbolicLink(target.resolve("docs"))).isFalse();
    assertThat(Files.isDirectory(target.resolve("docs/sub"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void aFileWhereAFolderBelongsFailsAndStaysAsItWas() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("target"));
    Files.writeString(target.resolve("docs"), "a file");
    assertThatThrownBy(() -> RestoreSafety.createRealDirectories(target, target.resolve("docs/x")))
        .hasMessageContaining("docs");
    assertThat(Files.readString(target.resolve("docs"))).isEqualTo("a file");
  }

  @Test
  void aPathOutsideTheTargetIsRefused() {
    assertThatThrownBy(
            () -> RestoreSafety.createRealDirectories(tmp.resolve("t"), tmp.resolve("other")))
        .hasMessageContaining("not inside");
  }
}
