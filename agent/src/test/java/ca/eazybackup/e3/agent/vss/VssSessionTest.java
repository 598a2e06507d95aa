package ca.eazybackup.e3.agent.vss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.engine.SourceAccess;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.testing.RecordingProgress;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's shadow copies on the simulated Windows host: made per source volume when the job and
 * the agent's elevation allow, sources read inside them (where a file another program holds open
 * reads fine), released at the end, recorded for cleanup after a kill, and each VSS failure either
 * failing the run ({@code always}) or noted ({@code when_available}).
 */
class VssSessionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final RecordingProgress progress = new RecordingProgress();
  private ShadowLedger ledger;
  private byte[] pst;

  @BeforeEach
  void machine() throws Exception {
    ledger = new ShadowLedger(dir.resolve("state"));
    pst = new byte[70_000];
    new Random(7).nextBytes(pst);
  }

  private SimulatedWindowsHost host(boolean elevated) throws Exception {
    SimulatedWindowsHost host =
        SimulatedWindowsHost.builder(dir.resolve("win")).elevated(elevated).build();
    Path mail = host.resolve("C:\\Users\\ann\\Mail");
    Files.createDirectories(mail);
    Files.write(mail.resolve("outlook.pst"), pst);
    Files.writeString(mail.resolve("notes.txt"), "free to read");
    host.lockFile("C:\\Users\\ann\\Mail\\outlook.pst", "OUTLOOK.EXE");
    return host;
  }

  private VssSession open(SimulatedWindowsHost host, VssMode mode, String... sources)
      throws ShimException {
    return VssSession.open(
        host, mode, List.of(sources), dir.resolve("expose"), ledger, TIMEOUT, progress);
  }

  private static byte[] read(SourceAccess access, Path file) throws Exception {
    try (InputStream in = access.open(file)) {
      return in.readAllBytes();
    }
  }

  @Test
  void elevatedWhenAvailableReadsTheLockedFileInsideTheShadowAndReleasesIt() throws Exception {
    SimulatedWindowsHost host = host(true);
    Path live = host.resolve("C:\\Users\\ann\\Mail");
    VssSession session = open(host, VssMode.WHEN_AVAILABLE, "C:\\Users\\ann\\Mail");
    SourceAccess access = session.access();

    Path root = access.readRoot(live);
    assertThat(root).isNotEqualTo(live);
    assertThat(read(access, root.resolve("outlook.pst"))).isEqualTo(pst);
    assertThat(host.shadowCopies().list()).hasSize(1);
    assertThat(ledger.ids()).containsExactlyElementsOf(host.shadowCopies().list());

    session.close();
    assertThat(host.shadowCopies().list()).isEmpty();
    assertThat(ledger.ids()).isEmpty();
    assertThat(progress.codes()).containsExactly(VssSession.CREATED, VssSession.RELEASED);
  }

  @Test
  void withoutShadowTheLockedFileFailsWithASharingViolationAndOthersRead() throws Exception {
    SimulatedWindowsHost host = host(true);
    Path live = host.resolve("C:\\Users\\ann\\Mail");
    try (VssSession session = open(host, VssMode.NEVER, "C:\\Users\\ann\\Mail")) {
      SourceAccess access = session.access();
      assertThat(access.readRoot(live)).isEqualTo(live);
      assertThatThrownBy(() -> read(access, live.resolve("outlook.pst")))
          .isInstanceOf(FileSystemException.class)
          .hasMessageContaining("ERROR_SHARING_VIOLATION (32)")
          .hasMessageContaining("OUTLOOK.EXE");
      assertThat(read(access, live.resolve("notes.txt"))).isEqualTo("free to read".getBytes());
    }
    assertThat(host.shadowCopies().list()).isEmpty();
    assertThat(progress.codes()).isEmpty();
  }

  @Test
  void unelevatedWhenAvailableSaysSoOnceAndReadsLive() throws Exception {
    SimulatedWindowsHost host = host(false);
    Path live = host.resolve("C:\\Users\\ann\\Mail");
    try (VssSession session = open(host, VssMode.WHEN_AVAILABLE, "C:\\Users\\ann\\Mail")) {
      assertThat(session.access().readRoot(live)).isEqualTo(live);
    }
    assertThat(progress.events).hasSize(1);
    RecordingProgress.Event e = progress.events.get(0);
    assertThat(e.code()).isEqualTo(VssSession.UNAVAILABLE);
    assertThat(e.level()).isEqualTo(EventLevel.INFO);
    assertThat(e.params()).containsEntry("vss_error", "ACCESS_DENIED");
  }

  @Test
  void unelevatedAlwaysFailsWithAccessDenied() throws Exception {
    SimulatedWindowsHost host = host(false);
    assertThatThrownBy(() -> open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail"))
        .isInstanceOf(ShimException.class)
        .hasMessageContaining("vss_mode always")
        .hasMessageContaining("ACCESS_DENIED (1)")
        .hasMessageContaining("run the agent as the service or elevated");
  }

  @Test
  void alwaysRefusesASourceVssCannotCopy() throws Exception {
    SimulatedWindowsHost host = host(true);
    assertThatThrownBy(
            () -> open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail", "\\\\nas\\share\\docs"))
        .hasMessageContaining("VOLUME_NOT_SUPPORTED (4)")
        .hasMessageContaining("\\\\nas\\share\\docs");
    assertThat(host.shadowCopies().list()).isEmpty();
  }

  @Test
  void insufficientStorageFailsAlwaysAndWarnsWhenAvailable() throws Exception {
    SimulatedWindowsHost host = host(true);
    Files.writeString(
        dir.resolve("win").resolve("volumes.json"), "{\"C\":{\"shadow_storage_bytes\":1000}}");
    assertThatThrownBy(() -> open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail"))
        .hasMessageContaining("INSUFFICIENT_STORAGE (6)")
        .hasMessageContaining("shadow storage");

    try (VssSession session = open(host, VssMode.WHEN_AVAILABLE, "C:\\Users\\ann\\Mail")) {
      assertThat(session.shadows()).isEmpty();
    }
    RecordingProgress.Event e = progress.events.get(0);
    assertThat(e.code()).isEqualTo(VssSession.UNAVAILABLE);
    assertThat(e.level()).isEqualTo(EventLevel.WARN);
    assertThat(e.params()).containsEntry("vss_error", "INSUFFICIENT_STORAGE");
    assertThat(host.shadowCopies().list()).isEmpty();
  }

  @Test
  void anotherProgramsSnapshotIsWaitedFor() throws Exception {
    SimulatedWindowsHost host = host(true);
    host.occupyVss(Duration.ofSeconds(1));
    try (VssSession session = open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail")) {
      assertThat(session.shadows()).hasSize(1);
    }
  }

  @Test
  void anotherProgramsSnapshotLongerThanTheTimeoutFailsAlways() throws Exception {
    SimulatedWindowsHost host = host(true);
    host.occupyVss(Duration.ofMinutes(1));
    assertThatThrownBy(
            () ->
                VssSession.open(
                    host,
                    VssMode.ALWAYS,
                    List.of("C:\\Users\\ann\\Mail"),
                    dir.resolve("expose"),
                    ledger,
                    Duration.ofSeconds(1),
                    progress))
        .hasMessageContaining("IN_PROGRESS (9)");
  }

  @Test
  void aHungVssTimesOut() throws Exception {
    SimulatedWindowsHost host = host(true);
    host.slowVss(Duration.ofSeconds(30));
    assertThatThrownBy(
            () ->
                VssSession.open(
                    host,
                    VssMode.ALWAYS,
                    List.of("C:\\Users\\ann\\Mail"),
                    dir.resolve("expose"),
                    ledger,
                    Duration.ofMillis(500),
                    progress))
        .hasMessageContaining("TIMEOUT");
    assertThat(host.shadowCopies().list()).isEmpty();
  }

  @Test
  void oneShadowPerVolumeAndTheSecondFailureReleasesTheFirst() throws Exception {
    SimulatedWindowsHost host = host(true);
    // Any one-letter folder of the machine is a fixed drive.
    Files.createDirectories(dir.resolve("win").resolve("drives").resolve("D").resolve("Data"));
    try (VssSession session =
        open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail", "C:\\Users\\ann", "D:\\Data")) {
      assertThat(session.shadows()).extracting(s -> s.volume()).containsExactly("C:\\", "D:\\");
    }
    assertThat(host.shadowCopies().list()).isEmpty();

    Files.writeString(
        dir.resolve("win").resolve("volumes.json"), "{\"D\":{\"shadow_storage_bytes\":0}}");
    Files.writeString(host.resolve("D:\\Data\\x.bin"), "x");
    assertThatThrownBy(() -> open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail", "D:\\Data"))
        .hasMessageContaining("INSUFFICIENT_STORAGE");
    assertThat(host.shadowCopies().list()).isEmpty();
    assertThat(ledger.ids()).isEmpty();
  }

  @Test
  void shadowsAKilledRunLeftAreDeletedAtTheNextStart() throws Exception {
    SimulatedWindowsHost host = host(true);
    open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail"); // never closed: the agent was killed
    assertThat(host.shadowCopies().list()).hasSize(1);

    ShadowLedger afterRestart = new ShadowLedger(dir.resolve("state"));
    assertThat(afterRestart.cleanUp(host.shadowCopies())).hasSize(1);
    assertThat(host.shadowCopies().list()).isEmpty();
    assertThat(afterRestart.ids()).isEmpty();
  }

  @Test
  void aShadowMadeJustBeforeAKillBeforeItsIdWasRecordedIsDeletedAtTheNextStart() throws Exception {
    SimulatedWindowsHost host = host(true);
    Files.createDirectories(dir.resolve("win").resolve("drives").resolve("D"));
    String othersCopy = host.shadowCopies().create("D:\\", dir.resolve("other"), TIMEOUT).id();
    host.killAfterNextShadow(false);
    assertThatThrownBy(() -> open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail"))
        .isInstanceOf(SimulatedWindowsHost.SimulatedKill.class);
    assertThat(host.shadowCopies().list()).hasSize(2); // VSS made it; the agent never learnt its id
    assertThat(ledger.ids()).isEmpty();
    assertThat(ledger.pending())
        .singleElement()
        .satisfies(i -> assertThat(i.volume()).isEqualTo("C:\\"));
    // Another program's copy of C: made after ours, inside the intent's window: not ours to delete.
    String laterCopy = host.shadowCopies().create("C:\\", dir.resolve("other"), TIMEOUT).id();

    ShadowLedger afterRestart = new ShadowLedger(dir.resolve("state"));
    List<String> deleted = afterRestart.cleanUp(host.shadowCopies());
    assertThat(deleted).hasSize(1).doesNotContain(othersCopy, laterCopy);
    assertThat(host.shadowCopies().list()).containsExactlyInAnyOrder(othersCopy, laterCopy);
    assertThat(afterRestart.ids()).isEmpty();
    assertThat(afterRestart.pending()).isEmpty();
  }

  @Test
  void aRefusedRequestLeavesNoIntentBehind() throws Exception {
    SimulatedWindowsHost host = host(true);
    Files.writeString(
        dir.resolve("win").resolve("volumes.json"), "{\"C\":{\"shadow_storage_bytes\":0}}");
    assertThatThrownBy(() -> open(host, VssMode.ALWAYS, "C:\\Users\\ann\\Mail"))
        .hasMessageContaining("INSUFFICIENT_STORAGE");
    assertThat(ledger.pending()).isEmpty();
  }

  @Test
  void theLedgerOfAnEarlierVersionIdsOnlyIsStillCleanedUp() throws Exception {
    SimulatedWindowsHost host = host(true);
    String id = host.shadowCopies().create("C:\\", dir.resolve("other"), TIMEOUT).id();
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("state").resolve(ShadowLedger.FILE), "[\"" + id + "\"]");
    assertThat(new ShadowLedger(dir.resolve("state")).cleanUp(host.shadowCopies()))
        .containsExactly(id);
    assertThat(host.shadowCopies().list()).isEmpty();
  }

  @Test
  void modesParseFromTheWire() {
    assertThat(VssMode.parse(null)).isEqualTo(VssMode.WHEN_AVAILABLE);
    assertThat(VssMode.parse("when-available")).isEqualTo(VssMode.WHEN_AVAILABLE);
    assertThat(VssMode.parse("ALWAYS")).isEqualTo(VssMode.ALWAYS);
    assertThatThrownBy(() -> VssMode.parse("sometimes"))
        .hasMessage("vss_mode 'sometimes' is not one of never, when_available, always");
  }
}
