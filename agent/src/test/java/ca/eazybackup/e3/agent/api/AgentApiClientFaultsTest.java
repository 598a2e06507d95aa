package ca.eazybackup.e3.agent.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults a real addon rarely produces on demand: 5xx, timeouts, resets, garbage. */
class AgentApiClientFaultsTest {
  private static WireMockServer wm;
  private AgentApiClient client;

  @BeforeAll
  static void startWireMock() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
  }

  @AfterAll
  static void stopWireMock() {
    wm.stop();
  }

  @BeforeEach
  void setUp() {
    wm.resetAll();
    client =
        new AgentApiClient(
            URI.create("http://127.0.0.1:" + wm.port() + "/api"),
            7,
            "token-abcdef",
            Duration.ofSeconds(2),
            Duration.ofMillis(500));
  }

  @Test
  void serverErrorIsTransient() {
    wm.stubFor(post(urlEqualTo("/api/agent_next_run.php")).willReturn(aResponse().withStatus(503)));

    ApiException e = catchThrowableOfType(ApiException.class, () -> client.nextRun(null));

    assertThat(e.isTransient()).isTrue();
    assertThat(e.httpStatus()).isEqualTo(503);
  }

  @Test
  void slowAnswerTimesOutAsTransient() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_next_run.php"))
            .willReturn(
                aResponse()
                    .withFixedDelay(3000)
                    .withBody("{\"status\":\"success\",\"run\":null}")));

    ApiException e = catchThrowableOfType(ApiException.class, () -> client.nextRun(null));

    assertThat(e.isTransient()).isTrue();
    assertThat(e.getMessage()).contains("no answer");
  }

  @Test
  void connectionResetIsTransient() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_poll_pending_commands.php"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    ApiException e = catchThrowableOfType(ApiException.class, () -> client.pollCommands());

    assertThat(e.isTransient()).isTrue();
  }

  @Test
  void htmlInsteadOfJsonIsTransientNotACrash() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_next_run.php"))
            .willReturn(aResponse().withStatus(200).withBody("<html>login</html>")));

    ApiException e = catchThrowableOfType(ApiException.class, () -> client.nextRun(null));

    assertThat(e.isTransient()).isTrue();
    assertThat(e.getMessage()).contains("without a JSON object");
  }

  @Test
  void sendsTheAgentHeadersAndJson() throws Exception {
    wm.stubFor(
        post(urlEqualTo("/api/agent_complete_command.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\"}")));

    client.completeCommand(1, false, "x");

    wm.verify(
        com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlEqualTo("/api/agent_complete_command.php"))
            .withHeader("X-Agent-ID", com.github.tomakehurst.wiremock.client.WireMock.equalTo("7"))
            .withHeader(
                "X-Agent-Token",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("token-abcdef"))
            .withHeader(
                "Content-Type",
                com.github.tomakehurst.wiremock.client.WireMock.containing("application/json")));
  }
}
