package ca.eazybackup.e3.shims.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.VolumeInfo;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedWindowsHostTest {
  private static final String SHARE = "\\\\fileserver\\documents";
  private static final String PASSWORD = "Corr3ct-Horse!";

  @TempDir Path root;
  private Path journal;
  private SimulatedWindowsHost host;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(root.resolve("shares/fileserver/documents/Reports"));
    Files.createDirectories(root.resolve("shares/fileserver/public"));
    Files.writeString(root.resolve("shares/fileserver/documents/Reports/q1.txt"), "q1");
    Files.writeString(
        root.resolve("share-credentials.json"),
        "[{\"share\":\"\\\\\\\\fileserver\\\\documents\",\"username\":\"alice\","
            + "\"domain\":\"CORP\",\"password\":\""
            + PASSWORD
            + "\"}]");
    journal = root.resolve("journal.jsonl");
    host = standard();
  }

  private SimulatedWindowsHost standard() {
    return SimulatedWindowsHost.builder(root).journal(journal).build();
  }

  private SimulatedWindowsHost elevated() {
    return SimulatedWindowsHost.builder(root).journal(journal).elevated(true).build();
  }

  private static void assertWin32(ThrowingCallable call, Win32Error expected) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ShimException.class, e -> assertThat(e.error()).isEqualTo(expected));
  }

  private List<JsonNode> journalLines() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(journal)) {
      lines.add(json.readTree(line));
    }
    return lines;
  }

  @Test
  void mapsDriveLettersAndSharesOntoTheRootAndPassesNativePathsThrough() throws Exception {
    assertThat(host.resolve("C:\\Users\\alice")).isEqualTo(root.resolve("drives/C/Users/alice"));
    assertThat(host.resolve("c:/")).isEqualTo(root.resolve("drives/C"));
    assertThat(host.resolve("\\\\fileserver\\public\\x"))
        .isEqualTo(root.resolve("shares/fileserver/public/x"));
    assertThat(host.resolve("/tmp/somewhere")).isEqualTo(Path.of("/tmp/somewhere"));
  }

  @Test
  void looksUpNamesIgnoringCaseLikeNtfs() throws Exception {
    assertThat(host.resolve("\\\\FILESERVER\\Public"))
        .isEqualTo(root.resolve("shares/fileserver/public"));
    Files.createDirectories(root.resolve("drives/C/Users/Alice"));
    assertThat(host.resolve("C:\\USERS\\alice")).isEqualTo(root.resolve("drives/C/Users/Alice"));
  }

  @Test
  void refusesHostilePathsAndUnknownDrivesAndShares() {
    assertWin32(() -> host.resolve("C:\\..\\..\\etc"), Win32Error.ERROR_INVALID_NAME);
    assertWin32(() -> host.resolve("\\\\.\\PhysicalDrive0"), Win32Error.ERROR_INVALID_NAME);
    assertWin32(() -> host.resolve("\\\\?\\C:\\x"), Win32Error.ERROR_INVALID_NAME);
    assertWin32(() -> host.resolve("/tmp/../etc"), Win32Error.ERROR_INVALID_NAME);
    assertWin32(() -> host.resolve("Q:\\x"), Win32Error.ERROR_PATH_NOT_FOUND);
    assertWin32(() -> host.resolve("\\\\nosuchserver\\x"), Win32Error.ERROR_BAD_NETPATH);
    assertWin32(() -> host.resolve("\\\\fileserver\\nosuchshare"), Win32Error.ERROR_BAD_NET_NAME);
  }

  @Test
  void worksOnJimfsInItsWindowsConfiguration() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.windows())) {
      Path simRoot = fs.getPath("C:\\simhost");
      SimulatedWindowsHost onJimfs = SimulatedWindowsHost.builder(simRoot).build();
      Files.createDirectories(simRoot.resolve("drives\\D\\Data"));
      assertThat(onJimfs.resolve("D:\\Data\\x.txt"))
          .isEqualTo(fs.getPath("C:\\simhost\\drives\\D\\Data\\x.txt"));
      assertThat(onJimfs.volumes().list()).extracting(VolumeInfo::path).containsExactly("C:", "D:");
      assertWin32(() -> onJimfs.resolve("D:\\Data\\..\\..\\x"), Win32Error.ERROR_INVALID_NAME);
    }
  }

  @Test
  void protectedShareNeedsALogonFirstAndAWrongPasswordFailsLikeWindows() throws Exception {
    assertWin32(() -> host.resolve(SHARE + "\\Reports"), Win32Error.ERROR_ACCESS_DENIED);
    assertWin32(
        () -> host.networkShares().connect(SHARE, "alice", "wrong".toCharArray(), "CORP"),
        Win32Error.ERROR_LOGON_FAILURE);
    assertWin32(
        () -> host.networkShares().connect(SHARE, "bob", PASSWORD.toCharArray(), "CORP"),
        Win32Error.ERROR_LOGON_FAILURE);

    host.networkShares().connect(SHARE, "CORP\\alice", PASSWORD.toCharArray(), null);
    assertThat(host.resolve(SHARE + "\\reports\\Q1.TXT"))
        .isEqualTo(root.resolve("shares/fileserver/documents/Reports/q1.txt"));

    host.networkShares().disconnect(SHARE);
    assertWin32(() -> host.resolve(SHARE), Win32Error.ERROR_ACCESS_DENIED);
    assertWin32(() -> host.networkShares().disconnect(SHARE), Win32Error.ERROR_NOT_CONNECTED);
  }

  @Test
  void aSecondAccountOnTheSameServerConflicts() throws Exception {
    host.networkShares().connect("\\\\fileserver\\public", "guest", "x".toCharArray(), null);
    assertWin32(
        () -> host.networkShares().connect(SHARE, "alice", PASSWORD.toCharArray(), "CORP"),
        Win32Error.ERROR_SESSION_CREDENTIAL_CONFLICT);
  }

  @Test
  void journalRecordsLogonAndLogoffInOrderAndNeverThePassword() throws Exception {
    assertWin32(
        () -> host.networkShares().connect(SHARE, "alice", "hunter2-wrong".toCharArray(), "CORP"),
        Win32Error.ERROR_LOGON_FAILURE);
    host.networkShares().connect(SHARE, "alice", PASSWORD.toCharArray(), "CORP");
    host.networkShares().disconnect(SHARE);

    List<JsonNode> lines = journalLines();
    assertThat(lines)
        .extracting(l -> l.get("op").asText())
        .containsExactly("share.connect", "share.connect", "share.disconnect");
    assertThat(lines.get(0).get("result").asText()).isEqualTo("error");
    assertThat(lines.get(0).get("error").asText()).isEqualTo("ERROR_LOGON_FAILURE");
    assertThat(lines.get(0).get("code").asInt()).isEqualTo(1326);
    assertThat(lines.get(1).get("result").asText()).isEqualTo("ok");
    assertThat(lines.get(1).get("share").asText()).isEqualTo(SHARE);
    assertThat(lines.get(1).get("username").asText()).isEqualTo("alice");
    assertThat(lines.get(1).get("domain").asText()).isEqualTo("CORP");
    assertThat(lines.get(1).get("password").asText()).isEqualTo("***");
    assertThat(lines.get(1).get("session").asText()).isEqualTo("standard");
    assertThat(lines.get(1).get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    String text = Files.readString(journal);
    assertThat(text).doesNotContain(PASSWORD).doesNotContain("hunter2-wrong");
    assertThat(Files.readString(root.resolve("state.json"))).doesNotContain(PASSWORD);
    assertThat(host.journalEntries()).hasSize(3);
    assertThat(SimulatedWindowsHost.readJournal(journal))
        .extracting(l -> l.get("op") + " " + l.get("result"))
        .containsExactly("share.connect error", "share.connect ok", "share.disconnect ok");
  }

  @Test
  void mappingsMadeElevatedAreInvisibleToExplorerUnlessLinkedConnectionsIsOn() throws Exception {
    SimulatedWindowsHost admin = elevated();
    admin.drives().map('Z', "\\\\fileserver\\public", false);
    admin.shell().driveAdded('Z');

    assertThat(admin.drives().mappings()).containsEntry('Z', "\\\\fileserver\\public");
    assertThat(host.drives().mappings()).isEmpty();
    assertThat(host.explorerView().shows('Z')).isFalse();
    assertThatThrownBy(() -> host.resolve("Z:\\"))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> {
              assertThat(e.error()).isEqualTo(Win32Error.ERROR_PATH_NOT_FOUND);
              assertThat(e.getMessage()).contains("other logon session");
            });
    assertThat(admin.resolve("Z:\\")).isEqualTo(root.resolve("shares/fileserver/public"));

    admin
        .registry()
        .setDword(WindowsKeys.POLICIES_SYSTEM, WindowsKeys.ENABLE_LINKED_CONNECTIONS, 1);
    assertThat(host.explorerView().shows('Z')).isTrue();
    assertThat(host.drives().mappings()).containsKey('Z');
  }

  @Test
  void explorerShowsANewDriveWithoutRefreshOnlyAfterTheShellWasNotified() throws Exception {
    host.drives().map('Z', "\\\\fileserver\\public", false);
    assertThat(host.explorerView().drives()).containsKey('Z');
    assertThat(host.explorerView().needsRefresh()).containsExactly('Z');
    host.shell().driveAdded('Z');
    assertThat(host.explorerView().shows('Z')).isTrue();
  }

  @Test
  void webDavMappingNeedsTheWebClientServiceRunning() throws Exception {
    assertThat(host.services().state("WebClient")).isEqualTo(ServiceState.STOPPED);
    assertWin32(
        () -> host.drives().map('Y', "http://127.0.0.1:51234/", false),
        Win32Error.ERROR_BAD_NET_NAME);
    host.services().start("webclient");
    assertThat(host.services().state("WebClient")).isEqualTo(ServiceState.RUNNING);
    host.drives().map('Y', "http://127.0.0.1:51234/", false);
    assertThat(host.drives().mappings()).containsEntry('Y', "http://127.0.0.1:51234/");
  }

  @Test
  void webClientFileSizeLimitIsFiftyMillionBytesUntilRaisedElevated() throws Exception {
    assertThat(
            host.registry().getDword(WindowsKeys.WEBCLIENT_PARAMETERS, WindowsKeys.FILE_SIZE_LIMIT))
        .hasValue(50_000_000);
    host.checkWebDavTransfer(50_000_000);
    assertWin32(() -> host.checkWebDavTransfer(50_000_001), Win32Error.ERROR_FILE_TOO_LARGE);
    assertWin32(
        () ->
            host.registry()
                .setDword(WindowsKeys.WEBCLIENT_PARAMETERS, WindowsKeys.FILE_SIZE_LIMIT, -1),
        Win32Error.ERROR_ACCESS_DENIED);

    elevated()
        .registry()
        .setDword(WindowsKeys.WEBCLIENT_PARAMETERS, WindowsKeys.FILE_SIZE_LIMIT, -1);
    host.checkWebDavTransfer(4_294_967_295L);
    assertWin32(() -> host.checkWebDavTransfer(4_294_967_296L), Win32Error.ERROR_FILE_TOO_LARGE);
  }

  @Test
  void aLetterInUseIsRefusedUntilItsMappingIsDeleted() throws Exception {
    assertWin32(
        () -> host.drives().map('C', "\\\\fileserver\\public", false),
        Win32Error.ERROR_ALREADY_ASSIGNED);
    host.drives().map('Z', "\\\\fileserver\\public", false);
    assertWin32(
        () -> host.drives().map('z', "\\\\fileserver\\public", false),
        Win32Error.ERROR_ALREADY_ASSIGNED);
    host.drives().unmap('Z');
    host.drives().unmap('Z'); // no mapping: no error
    host.drives().map('Z', "\\\\fileserver\\public", false);
  }

  @Test
  void mappingAProtectedShareNeedsItsCredentialsFirst() throws Exception {
    assertWin32(() -> host.drives().map('Z', SHARE, false), Win32Error.ERROR_ACCESS_DENIED);
    host.networkShares().connect(SHARE, "alice", PASSWORD.toCharArray(), "CORP");
    host.drives().map('Z', SHARE, false);
    assertThat(host.resolve("Z:\\Reports"))
        .isEqualTo(root.resolve("shares/fileserver/documents/Reports"));
  }

  @Test
  void webClientServesAStaleDriveWhileTheOldPortIsStillMapped() throws Exception {
    host.services().start("WebClient");
    host.drives().map('Y', "http://127.0.0.1:1111/", false);
    assertWin32(
        () -> host.drives().map('Y', "http://127.0.0.1:2222/", false),
        Win32Error.ERROR_ALREADY_ASSIGNED);

    host.drives().map('X', "http://127.0.0.1:2222/", false);
    assertThatThrownBy(() -> host.resolve("X:\\"))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> {
              assertThat(e.error()).isEqualTo(Win32Error.ERROR_BAD_NETPATH);
              assertThat(e.getMessage()).contains("1111");
            });

    // The fix the seed found: delete the old mappings, then map again.
    host.drives().unmap('X');
    host.drives().unmap('Y');
    host.drives().map('Y', "http://127.0.0.1:2222/", false);
    assertWin32(() -> host.resolve("Y:\\"), Win32Error.ERROR_NOT_SUPPORTED);
  }

  @Test
  void volumesListFixedAndNetworkDrivesWithUncPathsAndRegistryLabels() throws Exception {
    Files.writeString(
        root.resolve("volumes.json"),
        "{\"C\":{\"label\":\"OS\",\"filesystem\":\"NTFS\",\"size_bytes\":511101108224}}");
    Files.createDirectories(root.resolve("drives/D"));
    host.services().start("WebClient");
    host.drives().map('Z', "\\\\fileserver\\public", false);
    host.drives().map('Y', "http://127.0.0.1:51234/", false);
    host.registry()
        .setString(
            WindowsKeys.mountPointKey("http://127.0.0.1:51234/"),
            WindowsKeys.LABEL_FROM_REG,
            "Cloud NAS (photos)");

    List<VolumeInfo> volumes = host.volumes().list();
    assertThat(volumes).extracting(VolumeInfo::path).containsExactly("C:", "D:", "Y:", "Z:");
    assertThat(volumes.get(0))
        .isEqualTo(new VolumeInfo("C:", "OS", 511101108224L, "NTFS", "fixed", null));
    assertThat(volumes.get(1).label()).isEqualTo("Local Disk");
    assertThat(volumes.get(2).uncPath()).isEqualTo("\\\\127.0.0.1@51234\\DavWWWRoot");
    assertThat(volumes.get(2).label()).isEqualTo("Cloud NAS (photos)");
    assertThat(volumes.get(3).isNetwork()).isTrue();
    assertThat(volumes.get(3).uncPath()).isEqualTo("\\\\fileserver\\public");
    assertThat(volumes.get(3).label()).isEqualTo("public");
  }

  @Test
  void serviceInstallFollowsTheScmStateMachineAndNeedsElevation() throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            SimServiceChild.class.getName(),
            "good");
    assertWin32(
        () -> host.serviceControl().install("e3-backup-agent", "E3 Backup Agent", cmd),
        Win32Error.ERROR_ACCESS_DENIED);

    SimulatedWindowsHost admin = elevated();
    var scm = admin.serviceControl();
    assertThat(scm.state("e3-backup-agent")).isEqualTo(ServiceState.NOT_INSTALLED);
    scm.install("e3-backup-agent", "E3 Backup Agent", cmd);
    assertThat(scm.state("e3-backup-agent")).isEqualTo(ServiceState.STOPPED);
    assertWin32(() -> scm.install("e3-backup-agent", "E3", cmd), Win32Error.ERROR_SERVICE_EXISTS);
    assertWin32(() -> scm.stop("e3-backup-agent"), Win32Error.ERROR_SERVICE_NOT_ACTIVE);
    scm.start("e3-backup-agent");
    assertThat(standard().serviceControl().state("E3-BACKUP-AGENT"))
        .isEqualTo(ServiceState.RUNNING);
    assertWin32(() -> scm.start("e3-backup-agent"), Win32Error.ERROR_SERVICE_ALREADY_RUNNING);

    scm.uninstall("e3-backup-agent"); // running: only marked for deletion
    assertThat(scm.state("e3-backup-agent")).isEqualTo(ServiceState.RUNNING);
    assertWin32(
        () -> scm.install("e3-backup-agent", "E3", cmd),
        Win32Error.ERROR_SERVICE_MARKED_FOR_DELETE);
    scm.stop("e3-backup-agent");
    assertThat(scm.state("e3-backup-agent")).isEqualTo(ServiceState.NOT_INSTALLED);
    assertWin32(() -> scm.uninstall("e3-backup-agent"), Win32Error.ERROR_SERVICE_DOES_NOT_EXIST);

    assertThat(journalLines())
        .filteredOn(l -> l.get("result").asText().equals("ok"))
        .extracting(l -> l.get("op").asText())
        .containsExactly(
            "service.install",
            "service.dispatcher_connected",
            "service.start",
            "service.uninstall",
            "service.stop");
    assertThat(journalLines().get(1).get("command_line").get(0).asText()).isEqualTo(cmd.get(0));
  }

  @Test
  void isConfiguredFromSystemPropertiesLikeAChildProcessWouldBe() throws Exception {
    System.setProperty("E3_SIMHOST_ROOT", root.toString());
    System.setProperty("E3_SIMHOST_JOURNAL", journal.toString());
    System.setProperty("E3_SIMHOST_ELEVATED", "true");
    try {
      SimulatedWindowsHost configured = SimulatedWindowsHost.fromEnvironment();
      assertThat(configured.root()).isEqualTo(root);
      assertThat(configured.elevation().isElevated()).isTrue();
      configured.serviceControl().install("svc", "Svc", List.of("x.exe"));
      assertThat(journalLines())
          .extracting(l -> l.get("session").asText())
          .containsExactly("elevated");
    } finally {
      System.clearProperty("E3_SIMHOST_ROOT");
      System.clearProperty("E3_SIMHOST_JOURNAL");
      System.clearProperty("E3_SIMHOST_ELEVATED");
    }
  }

  @Test
  void unreadableStateFileGivesAClearErrorAndChangesNothing() throws Exception {
    Files.writeString(root.resolve("state.json"), "{not json");
    assertThatThrownBy(() -> host.services().state("WebClient"))
        .isInstanceOf(ShimException.class)
        .hasMessageContaining("state.json");
    assertThat(Files.readString(root.resolve("state.json"))).isEqualTo("{not json");
  }

  @Test
  void aRestartDropsSessionStateButKeepsPersistentMappingsAndRestartsServices() throws Exception {
    SimulatedWindowsHost admin = elevated();
    admin.serviceControl().install("e3-backup-agent", "E3 Backup Agent", List.of("agent.exe"));
    host.services().start("WebClient");
    host.networkShares().connect(SHARE, "alice", PASSWORD.toCharArray(), "CORP");
    host.drives().map('Z', "\\\\fileserver\\public", true);
    host.drives().map('Y', "http://127.0.0.1:1111/", false);

    host.restart();

    assertThat(host.drives().mappings()).containsOnlyKeys('Z');
    assertWin32(() -> host.resolve(SHARE), Win32Error.ERROR_ACCESS_DENIED);
    assertThat(host.services().state("WebClient")).isEqualTo(ServiceState.STOPPED);
    // The SCM tried to start it again; its program does not exist here (SimServiceControlTest has
    // one that does).
    assertThat(host.serviceControl().state("e3-backup-agent")).isEqualTo(ServiceState.STOPPED);
    assertThat(host.explorerView().needsRefresh()).containsExactly('Z');
  }

  @Test
  void anAgentInAnotherProcessConfiguredByEnvironmentSharesTheMachineAndTheJournal()
      throws Exception {
    ProcessBuilder child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SimHostChild.class.getName(),
                SHARE,
                "alice",
                "CORP")
            .redirectErrorStream(true);
    child.environment().put("E3_SIMHOST_ROOT", root.toString());
    child.environment().put("E3_SIMHOST_JOURNAL", journal.toString());
    Process process = child.start();
    try (var stdin = process.getOutputStream()) {
      stdin.write((PASSWORD + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String output =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();

    // Same user, same (standard) logon session: this process sees the child's connection.
    assertThat(host.resolve(SHARE + "\\Reports"))
        .isEqualTo(root.resolve("shares/fileserver/documents/Reports"));
    host.networkShares().disconnect(SHARE);

    List<JsonNode> lines = journalLines();
    assertThat(lines)
        .extracting(l -> l.get("op").asText())
        .containsExactly("share.connect", "share.disconnect");
    assertThat(lines.get(0).get("pid").asLong()).isEqualTo(process.pid());
    assertThat(lines.get(1).get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(Files.readString(journal)).doesNotContain(PASSWORD);
  }
}
