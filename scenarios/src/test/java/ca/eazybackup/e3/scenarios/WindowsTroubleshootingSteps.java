package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsKeys;
import ca.eazybackup.e3.shims.sim.NetworkDrive;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The seed's Cloud NAS troubleshooting failures on the agent's simulated Windows host: each is
 * first provoked directly on the host (the way Windows fails), then met by the agent.
 */
public final class WindowsTroubleshootingSteps {
  /** A port no process of the scenario serves: the "earlier agent's" WebDAV server. */
  private static final String OLD_URL = "http://127.0.0.1:1/";

  private final ScenarioWorld w;
  private final NasMountSteps nas;
  private String trayOutput = "";
  private String trayUser;
  private ca.eazybackup.e3.shims.UserSession traySession;

  public WindowsTroubleshootingSteps(ScenarioWorld w, NasMountSteps nas) {
    this.w = w;
    this.nas = nas;
  }

  private SimulatedWindowsHost host(boolean elevated) {
    return SimulatedWindowsHost.builder(w.windowsHostRoot())
        .journal(w.journal())
        .elevated(elevated)
        .build();
  }

  private NetworkDrive drive(char letter) throws ShimException {
    return host(false).networkDrives().stream()
        .filter(d -> d.letter() == letter)
        .findFirst()
        .orElseThrow(() -> new AssertionError(letter + ": not mapped on the agent's host"));
  }

  // ---- elevated mappings and the tray helper

  @Given("a drive an elevated program maps on the agent's host is invisible to Explorer")
  public void elevatedMappingInvisible() throws Exception {
    Files.createDirectories(w.windowsHostRoot().resolve("shares/fileserver/public"));
    SimulatedWindowsHost admin = host(true);
    admin.drives().map('Q', "\\\\fileserver\\public", false);
    admin.shell().driveAdded('Q');
    assertThat(host(false).explorerView().shows('Q')).isFalse();
    assertThatThrownBy(() -> host(false).resolve("Q:\\"))
        .isInstanceOf(ShimException.class)
        .hasMessageContaining("other logon session");
    admin.drives().unmap('Q');
  }

  @Given("the agent's Windows host has EnableLinkedConnections set")
  public void linkedConnections() throws Exception {
    host(true)
        .registry()
        .setDword(WindowsKeys.POLICIES_SYSTEM, WindowsKeys.ENABLE_LINKED_CONNECTIONS, 1);
  }

  @Given(
      "user {string} is signed in on the agent's host and the agent serves her session's tray pipe")
  public void userSignedIn(String user) throws Exception {
    trayUser = user;
    traySession = host(false).logon(user);
    String pipe = "e3-backup-tray-" + traySession.id();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> host(false).pipes().contains(pipe));
  }

  @Then(
      "the tray helper asked over its session's pipe, and another user's connect to that pipe is"
          + " refused")
  public void trayUsedItsPipe() throws Exception {
    String pipe = "e3-backup-tray-" + traySession.id();
    assertThat(SimulatedWindowsHost.readJournal(w.journal()))
        .anySatisfy(
            e -> {
              assertThat(e.get("op")).isEqualTo("pipe.connect");
              assertThat(e.get("name")).isEqualTo(pipe);
              assertThat(e.get("sid")).isEqualTo(traySession.sid());
              assertThat(e.get("result")).isEqualTo("ok");
            });
    host(false).logon("mallory");
    SimulatedWindowsHost mallory =
        SimulatedWindowsHost.builder(w.windowsHostRoot())
            .journal(w.journal())
            .user("mallory")
            .build();
    assertThatThrownBy(() -> mallory.userPipes().connect(pipe, 1000))
        .hasMessageContaining("ERROR_ACCESS_DENIED");
  }

  @When("the tray helper runs once in the user's session")
  public void trayOnce() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(SharedSystem.agentJar().toString());
    cmd.addAll(List.of("tray", "--once", "--config", w.agent.configFile().toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(w.agentEnv);
    pb.environment().put("E3_SIMHOST_ELEVATED", "false"); // the signed-in user's session
    if (trayUser != null) {
      pb.environment().put("E3_SIMHOST_USER", trayUser);
    }
    Process p = pb.start();
    trayOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("tray --once output:%n%s", trayOutput).isZero();
  }

  @Then("Explorer on the agent's host does not show drive {string}")
  public void explorerDoesNotShow(String letter) throws Exception {
    assertThat(host(false).explorerView().shows(letter.charAt(0)))
        .as("Explorer shows %s; tray output:%n%s", letter, trayOutput)
        .isFalse();
  }

  @Then(
      "Explorer on the agent's host shows drive {string} labelled {string} with the bucket's name,"
          + " mapped in the user's standard session and announced")
  public void explorerShowsViaTray(String letter, String label) throws Exception {
    char l = letter.charAt(0);
    assertThat(host(false).explorerView().shows(l)).as("tray output:%n%s", trayOutput).isTrue();
    assertThat(host(false).explorerView().needsRefresh()).doesNotContain(l);
    NetworkDrive d = drive(l);
    assertThat(d.session()).isEqualTo("standard");
    assertThat(d.pid()).isNotEqualTo(w.agent.pid()); // the tray helper's process, not the agent's
    assertThat(d.label()).isEqualTo(label + " (" + w.bucket + ")");
    assertThat(d.remote()).startsWith("http://127.0.0.1:");
    assertThat(trayOutput).contains("drive " + l + ": mapped to " + d.remote());
  }

  @Then("Explorer on the agent's host shows drive {string} mapped by the agent's elevated session")
  public void explorerShowsElevated(String letter) throws Exception {
    char l = letter.charAt(0);
    NetworkDrive d = drive(l);
    assertThat(d.session()).isEqualTo("elevated");
    assertThat(d.pid()).isEqualTo(w.agent.pid());
    assertThat(host(false).explorerView().shows(l)).isTrue();
  }

  // ---- WebClient stopped

  @Given(
      "mapping a WebDAV drive on the agent's host fails with ERROR_BAD_NET_NAME while WebClient is"
          + " stopped")
  public void webClientStopped() throws Exception {
    SimulatedWindowsHost h = host(false);
    assertThat(h.services().state(WindowsKeys.WEBCLIENT_SERVICE)).isEqualTo(ServiceState.STOPPED);
    assertThatThrownBy(() -> h.drives().map('W', OLD_URL, false))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.errorCode()).isEqualTo(Win32Error.ERROR_BAD_NET_NAME.code()));
  }

  @Then("WebClient runs on the agent's host, started by the agent before it mapped {string}")
  public void webClientStarted(String letter) throws Exception {
    assertThat(host(false).services().state(WindowsKeys.WEBCLIENT_SERVICE))
        .isEqualTo(ServiceState.RUNNING);
    List<Map<String, Object>> journal = SimulatedWindowsHost.readJournal(w.journal());
    int started = -1;
    int mapped = -1;
    for (int i = 0; i < journal.size(); i++) {
      Map<String, Object> e = journal.get(i);
      long pid = ((Number) e.get("pid")).longValue();
      if (pid != w.agent.pid() || !"ok".equals(e.get("result"))) {
        continue;
      }
      if ("service.start".equals(e.get("op"))
          && WindowsKeys.WEBCLIENT_SERVICE.equalsIgnoreCase(String.valueOf(e.get("name")))) {
        started = i;
      }
      if ("drive.map".equals(e.get("op")) && letter.equals(e.get("letter")) && mapped < 0) {
        mapped = i;
      }
    }
    assertThat(started).as("the agent started WebClient").isNotNegative();
    assertThat(mapped).as("the agent mapped %s", letter).isGreaterThan(started);
  }

  // ---- stale WebDAV port

  @Given(
      "drive {string} of the agent's host is still mapped to the WebDAV port of an earlier agent"
          + " process")
  public void staleMapping(String letter) throws Exception {
    host(true).services().start(WindowsKeys.WEBCLIENT_SERVICE);
    host(false).drives().map(letter.charAt(0), OLD_URL, false);
  }

  @Given(
      "a new mapping to another port of 127.0.0.1 on the agent's host is served stale, naming the"
          + " old port")
  public void newPortServedStale() throws Exception {
    SimulatedWindowsHost h = host(false);
    h.drives().map('R', "http://127.0.0.1:2/", false);
    try {
      assertThatThrownBy(() -> h.resolve("R:\\"))
          .isInstanceOfSatisfying(
              ShimException.class,
              e -> assertThat(e.errorCode()).isEqualTo(Win32Error.ERROR_BAD_NETPATH.code()))
          .hasMessageContaining("cached port 1");
    } finally {
      h.drives().unmap('R');
    }
  }

  @Then("drive {string} of the agent's host is mapped to the agent's address and not served stale")
  public void notStale(String letter) throws Exception {
    char l = letter.charAt(0);
    NetworkDrive d = drive(l);
    assertThat(d.remote()).isNotEqualTo(OLD_URL).startsWith("http://127.0.0.1:");
    assertThat(d.pid()).isEqualTo(w.agent.pid());
    // A live WebDAV drive: the host does not proxy its contents (50), but it is not stale (53).
    assertThatThrownBy(() -> host(false).resolve(l + ":\\"))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.errorCode()).isEqualTo(Win32Error.ERROR_NOT_SUPPORTED.code()));
  }

  // ---- FileSizeLimitInBytes

  @Given("the bucket also holds {string} of {int} bytes")
  public void bigObject(String key, int size) {
    w.env
        .s3()
        .client()
        .putObject(b -> b.bucket(w.bucket).key(key), RequestBody.fromBytes(new byte[size]));
  }

  @Given(
      "Windows on the agent's host refuses to copy a file of {long} bytes over WebDAV with"
          + " ERROR_FILE_TOO_LARGE")
  public void refusesLargeFile(long size) {
    assertThatThrownBy(() -> host(false).checkWebDavTransfer(size))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.errorCode()).isEqualTo(Win32Error.ERROR_FILE_TOO_LARGE.code()));
  }

  @Then("the drive's warning mentions {string} and {string}")
  public void warningMentions(String first, String second) {
    assertThat(nas.mount().path("warning").asText()).contains(first).contains(second);
  }
}
