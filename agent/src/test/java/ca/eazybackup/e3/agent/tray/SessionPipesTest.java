package ca.eazybackup.e3.agent.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.UserSession;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsKeys;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's tray channel on the simulated Windows host: one pipe per signed-in user's session,
 * which only that user (and SYSTEM) may open, closed at logoff; the tray helper in a session gets
 * the status and maps the service's drives through its own pipe.
 */
class SessionPipesTest {
  private static final String URL = "http://127.0.0.1:4711/";

  @TempDir Path dir;

  private SimulatedWindowsHost service() {
    return SimulatedWindowsHost.builder(dir.resolve("win")).session("service").build();
  }

  private SimulatedWindowsHost as(String user) {
    return SimulatedWindowsHost.builder(dir.resolve("win")).user(user).build();
  }

  private static AgentStatus status(String state) {
    return new AgentStatus(
        7, state, List.of(), null, "/logs", List.of(new AgentStatus.Drive("T:", URL, "NAS", true)));
  }

  @Test
  void oneChannelPerSessionOnlyItsUserMayOpenAndLogoffClosesIt() throws Exception {
    SimulatedWindowsHost machine = service();
    UserSession ann = machine.logon("ann");
    UserSession bob = machine.logon("bob");
    try (SessionPipes pipes = SessionPipes.open(machine, () -> status("running"))) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pipes.sessions().equals(java.util.Set.of(ann.id(), bob.id())));
      assertThat(machine.pipes())
          .containsExactlyInAnyOrder(
              SessionPipes.pipeName(ann.id()), SessionPipes.pipeName(bob.id()));

      assertThat(new PipeStatusClient(as("ann")).status().state()).isEqualTo("running");
      assertThat(new PipeStatusClient(as("bob")).status().state()).isEqualTo("running");

      // Bob opening Ann's pipe: the DACL names Ann and SYSTEM only.
      assertThatThrownBy(() -> as("bob").userPipes().connect(SessionPipes.pipeName(ann.id()), 1000))
          .isInstanceOf(ShimException.class)
          .satisfies(
              e ->
                  assertThat(((ShimException) e).errorCode())
                      .isEqualTo(Win32Error.ERROR_ACCESS_DENIED.code()));
      // Nobody can serve Ann's pipe name in the service's place.
      assertThatThrownBy(
              () -> as("bob").userPipes().serve(SessionPipes.pipeName(ann.id()), bob.sid()))
          .hasMessageContaining("ERROR_ACCESS_DENIED");

      machine.logoff(ann.id());
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pipes.sessions().equals(java.util.Set.of(bob.id())));
      assertThat(machine.pipes()).containsExactly(SessionPipes.pipeName(bob.id()));
      UserSession annAgain = machine.logon("ann"); // a new session, a new pipe
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> new PipeStatusClient(as("ann")).status().state().equals("running"));
      assertThat(pipes.sessions()).contains(annAgain.id()).doesNotContain(ann.id());
    }
    assertThat(machine.pipes()).isEmpty();
  }

  @Test
  void aUserWhoseSessionIsNotServedGetsAReasonNotAnotherUsersChannel() throws Exception {
    SimulatedWindowsHost machine = service();
    machine.logon("ann");
    assertThatThrownBy(() -> new PipeStatusClient(as("ann")).status())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not running or has not opened this session's pipe");
  }

  @Test
  void theTrayInTheSessionGetsTheStatusAndMapsTheDrivesThroughItsPipe() throws Exception {
    SimulatedWindowsHost machine = service();
    machine.services().start(WindowsKeys.WEBCLIENT_SERVICE);
    UserSession ann = machine.logon("ann");
    try (SessionPipes pipes = SessionPipes.open(machine, () -> status("running"))) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pipes.sessions().contains(ann.id()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrayHelper tray =
          new TrayHelper(
              dir.resolve("conf"), new PrintStream(out, true, StandardCharsets.UTF_8), as("ann"));
      assertThat(tray.printOnce()).isTrue();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("e3 Backup: running")
          .contains("drive T: mapped to " + URL + " in this session");
      assertThat(as("ann").explorerView().shows('T')).isTrue();
      assertThat(SimulatedWindowsHost.builder(dir.resolve("win")).build().journalEntries())
          .isNotNull();
    }
  }
}
