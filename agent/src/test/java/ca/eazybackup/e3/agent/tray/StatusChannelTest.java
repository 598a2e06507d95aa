package ca.eazybackup.e3.agent.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tray channel: the real loopback server and client, the channel file closed to others. */
class StatusChannelTest {
  @TempDir Path dir;

  private final SimulatedWindowsHost host =
      SimulatedWindowsHost.builder(Path.of("target", "sim-tray")).build();
  private final AtomicReference<AgentStatus> status =
      new AtomicReference<>(new AgentStatus(7, "running", List.of(), null, "/var/log/e3"));

  @Test
  void theTrayReadsTheServicesStatusThroughTheChannel() throws Exception {
    try (StatusChannel channel = StatusChannel.open(dir, status::get, host.fileProtection())) {
      StatusClient client = new StatusClient(dir);
      assertThat(client.status().summary())
          .isEqualTo("e3 Backup: running, no run finished since the service started");

      status.set(
          new AgentStatus(
              7,
              "running",
              List.of(43L),
              new AgentStatus.LastRun(42, "failed", "S3 403", "2026-12-07T13:00:00Z"),
              "/var/log/e3"));
      assertThat(client.status().summary())
          .isEqualTo(
              "e3 Backup: running, run 43 in progress, last run 42 failed at"
                  + " 2026-12-07T13:00:00Z");
      assertThat(host.fileProtection().otherReaders(dir.resolve(StatusChannel.FILE))).isEmpty();
    }
    assertThat(dir.resolve(StatusChannel.FILE)).doesNotExist();
  }

  @Test
  void aRequestWithoutTheTokenIsRefusedAndLearnsNothing() throws Exception {
    status.set(
        new AgentStatus(
            7,
            "running",
            List.of(),
            new AgentStatus.LastRun(42, "success", "secret-ish job name", "t"),
            "/x"));
    try (StatusChannel channel = StatusChannel.open(dir, status::get, host.fileProtection())) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + channel.port() + "/status");
      for (String auth : new String[] {null, "Bearer wrong", "Basic abc"}) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (auth != null) {
          b.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
        assertThat(r.body()).doesNotContain("secret-ish");
      }
      // The right token from the file works, so the refusals above were about the token.
      String token =
          new ObjectMapper()
              .readTree(Files.readString(dir.resolve(StatusChannel.FILE)))
              .path("token")
              .asText();
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"run_id\":42");
    }
  }

  @Test
  void aNewStartInvalidatesTheOldToken() throws Exception {
    String first;
    try (StatusChannel channel = StatusChannel.open(dir, status::get, host.fileProtection())) {
      first = Files.readString(dir.resolve(StatusChannel.FILE));
    }
    try (StatusChannel channel = StatusChannel.open(dir, status::get, host.fileProtection())) {
      assertThat(Files.readString(dir.resolve(StatusChannel.FILE))).isNotEqualTo(first);
    }
  }

  @Test
  void withoutTheServiceTheTraySaysSoAndDoesNotFail() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrayHelper tray = new TrayHelper(dir, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(tray.printOnce()).isFalse();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("the agent service is not running");
    assertThatThrownBy(() -> new StatusClient(dir).status()).isInstanceOf(IOException.class);
  }
}
