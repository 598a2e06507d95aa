package ca.eazybackup.e3.shims.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ShadowCopy;
import ca.eazybackup.e3.shims.ShadowCopyException;
import ca.eazybackup.e3.shims.VssError;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimShadowCopiesTest {
  @TempDir Path root;
  private SimulatedWindowsHost admin;
  private Path pst;

  @BeforeEach
  void setUp() throws Exception {
    admin =
        SimulatedWindowsHost.builder(root)
            .journal(root.resolve("journal.jsonl"))
            .elevated(true)
            .build();
    pst = root.resolve("drives/C/Users/alice/Outlook/mail.pst");
    Files.createDirectories(pst.getParent());
    Files.writeString(pst, "mailbox v1");
  }

  private static String read(InputStream in) throws Exception {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aLockedFileCannotBeOpenedLiveButReadsFromAShadowCopyTakenAtThatMoment() throws Exception {
    admin.lockFile("C:\\Users\\alice\\Outlook\\mail.pst", "OUTLOOK.EXE");

    assertThatThrownBy(() -> admin.sourceFiles().open(pst))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("ERROR_SHARING_VIOLATION (32)")
        .hasMessageContaining("OUTLOOK.EXE");

    ShadowCopy shadow =
        admin.shadowCopies().create("C:\\", root.resolve("expose"), Duration.ofSeconds(10));
    Files.writeString(pst, "mailbox v2, written after the snapshot");

    assertThat(read(admin.sourceFiles().open(shadow.translate(pst)))).isEqualTo("mailbox v1");
    assertThat(admin.shadowCopies().list()).containsExactly(shadow.id());

    admin.shadowCopies().release(shadow);
    assertThat(admin.shadowCopies().list()).isEmpty();
    assertThat(shadow.root()).doesNotExist();

    admin.unlockFile("c:\\users\\ALICE\\outlook\\mail.pst");
    assertThat(read(admin.sourceFiles().open(pst))).startsWith("mailbox v2");
  }

  @Test
  void aStandardProcessMayNotCreateShadowCopies() {
    SimulatedWindowsHost user = SimulatedWindowsHost.builder(root).build();
    assertVss(
        () -> user.shadowCopies().create("C:\\", root, Duration.ofSeconds(5)),
        VssError.ACCESS_DENIED);
  }

  @Test
  void anotherProgramsSnapshotInProgressIsReported() throws Exception {
    admin.occupyVss(Duration.ofMinutes(1));
    assertVss(
        () -> admin.shadowCopies().create("C:\\", root, Duration.ofSeconds(5)),
        VssError.IN_PROGRESS);
  }

  @Test
  void tooLittleShadowStorageIsReported() throws Exception {
    Files.writeString(root.resolve("volumes.json"), "{\"C\":{\"shadow_storage_bytes\":4}}");
    assertVss(
        () -> admin.shadowCopies().create("C:\\", root, Duration.ofSeconds(5)),
        VssError.INSUFFICIENT_STORAGE);
  }

  @Test
  void aVssSlowerThanTheTimeoutFailsWithTimeoutAndLeavesNothing() throws Exception {
    admin.slowVss(Duration.ofSeconds(30));
    long t0 = System.nanoTime();
    assertVss(
        () -> admin.shadowCopies().create("C:\\", root, Duration.ofMillis(300)), VssError.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(admin.shadowCopies().list()).isEmpty();
  }

  @Test
  void unknownAndNetworkVolumesAreRefused() {
    assertVss(
        () -> admin.shadowCopies().create("Q:\\", root, Duration.ofSeconds(5)),
        VssError.VOLUME_NOT_FOUND);
    assertVss(
        () -> admin.shadowCopies().create("\\\\server\\share", root, Duration.ofSeconds(5)),
        VssError.VOLUME_NOT_SUPPORTED);
  }

  @Test
  void aShadowLeftBehindIsDeletedById() throws Exception {
    ShadowCopy left = admin.shadowCopies().create("C:\\", root, Duration.ofSeconds(10));
    SimulatedWindowsHost nextProcess = SimulatedWindowsHost.builder(root).elevated(true).build();

    nextProcess.shadowCopies().delete(left.id());
    nextProcess.shadowCopies().delete(left.id()); // already gone: no error

    assertThat(nextProcess.shadowCopies().list()).isEmpty();
    assertThat(left.root()).doesNotExist();
  }

  private static void assertVss(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, VssError expected) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ShadowCopyException.class, e -> assertThat(e.vssError()).isEqualTo(expected));
  }
}
