package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.whmcs.clientapi.BrowseRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One client's parked folder listings must not stall other tenants' agents: a waiting {@code
 * agent_browse_filesystem} holds no server thread, and each client may park only {@link
 * BrowseRequests#MAX_PENDING_PER_CLIENT}.
 */
class BrowseWaitTest extends ServerTest {
  /** Twice the server's thread pool (Javalin's 250): a wait that held a thread would starve it. */
  private static final int PARKED = 500;

  /**
   * No browse may time out while the test parks the others, however slowly a loaded machine sends
   * them: the test waits for the condition, never for a wall-clock budget the load decides.
   */
  private static final Duration LONG = Duration.ofMinutes(10);

  @Override
  ServerConfig.Builder config() {
    return super.config().browseTimeout(LONG);
  }

  @Test
  void fiveHundredParkedBrowsesHoldNoThreadAndDoNotSlowAnotherTenantsPoll() throws Exception {
    int clients = PARKED / BrowseRequests.MAX_PENDING_PER_CLIENT;
    List<Tenant> tenants = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      tenants.add(Tenant.create(http));
    }
    HttpClient async = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
    for (Tenant t : tenants) {
      for (int i = 0; i < BrowseRequests.MAX_PENDING_PER_CLIENT; i++) {
        parked.add(
            async.sendAsync(
                HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/agent_browse_filesystem.php"))
                    .header("Content-Type", "application/json")
                    .header("X-Client-Session", t.session)
                    .timeout(LONG.plusMinutes(5))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"agent_id\":" + t.agentId + ",\"path\":\"C:\\\\\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
    }
    await()
        .atMost(LONG.minusMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> server.waitingBrowses() == PARKED);

    // One more from a client at its bound is refused at once, in the contract's JSON.
    Tenant full = tenants.get(0);
    Http.Response refused =
        full.client("agent_browse_filesystem.php", Map.of("agent_id", full.agentId, "path", ""));
    assertThat(refused.code()).isEqualTo(429);
    assertThat(refused.message()).contains("already waiting");

    // Another tenant's agent polls as usual while 500 browses wait.
    assertThat(server.busyServerThreads())
        .as("server threads busy while %d browses wait", PARKED)
        .isLessThan(20);
    Tenant other = Tenant.create(http);
    other.startRun(other.createJob());
    long started = System.nanoTime();
    assertThat(other.nextRun()).isNotNull();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    // A thread-holding wait would starve the pool for the browse timeout (minutes); a loaded
    // machine adds seconds at most.
    assertThat(took)
        .as("agent_next_run beside %d parked browses", PARKED)
        .isLessThan(Duration.ofSeconds(30));
    assertThat(parked).noneMatch(CompletableFuture::isDone);
    // (the parked calls end when the server stops after this class)

  }
}
