package ca.eazybackup.e3.whmcs.sim;

import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.whmcs.FakeWhmcsServer;
import ca.eazybackup.e3.whmcs.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The whole simulated system minus the agent: an S3 server and the fake addon pointed at it. The
 * simulation launcher and the Cucumber scenarios build on it; agents join as separate processes.
 */
public final class SimEnvironment implements AutoCloseable {
  private final S3Fixture s3;
  private final FakeWhmcsServer addon;
  private final AddonClient sim;

  private SimEnvironment(S3Fixture s3, FakeWhmcsServer addon) {
    this.s3 = s3;
    this.addon = addon;
    this.sim = new AddonClient(addon.baseUrl(), null);
    sim.post(
        "sim/settings",
        Map.of(
            "cloudbackup_agent_s3_endpoint", s3.endpoint().toString(),
            "cloudbackup_agent_s3_region", s3.region()));
  }

  /** Starts the configured S3 server (see {@link S3Fixture#start()}) and the addon. */
  public static SimEnvironment start(ServerConfig config) {
    S3Fixture s3 = S3Fixture.start();
    try {
      return new SimEnvironment(s3, FakeWhmcsServer.start(config));
    } catch (RuntimeException e) {
      s3.close();
      throw e;
    }
  }

  public S3Fixture s3() {
    return s3;
  }

  public FakeWhmcsServer addon() {
    return addon;
  }

  /** The simulation-control API (no client session). */
  public AddonClient simControl() {
    return sim;
  }

  /** A new WHMCS client with a logged-in session. */
  public Tenant newTenant(String email) {
    JsonNode c = sim.post("sim/create_client", Map.of("email", email));
    return new Tenant(
        c.path("client_id").asLong(),
        new AddonClient(addon.baseUrl(), c.path("session_token").asText()));
  }

  @Override
  public void close() {
    try {
      addon.close();
    } finally {
      s3.close();
    }
  }

  /** One client of the addon, acting through its own session. */
  public final class Tenant {
    private final long clientId;
    private final AddonClient api;

    Tenant(long clientId, AddonClient api) {
      this.clientId = clientId;
      this.api = api;
    }

    public long clientId() {
      return clientId;
    }

    /** The client-side API as this client. */
    public AddonClient api() {
      return api;
    }

    /** Registers an agent for this client and returns its id and token. */
    public AgentAccount newAgent(String hostname) {
      JsonNode a =
          sim.post("sim/create_agent", Map.of("client_id", clientId, "hostname", hostname));
      return new AgentAccount(a.path("agent_id").asLong(), a.path("agent_token").asText());
    }

    /**
     * Creates {@code name} in S3 (unless {@code inS3} is false, to test bucket_auto_create) and
     * registers it for this client with the S3 server's keys.
     */
    public void newBucket(String name, boolean inS3) {
      if (inS3) {
        s3.createBucket(name);
      }
      sim.post(
          "sim/create_bucket",
          Map.of(
              "client_id",
              clientId,
              "name",
              name,
              "access_key",
              s3.accessKey(),
              "secret_key",
              s3.secretKey()));
    }

    /** An agent process for {@code account}, configured against this addon. */
    public AgentProcess agentProcess(
        Path agentJar,
        Path home,
        AgentAccount account,
        double pollIntervalSecs,
        Map<String, String> environment) {
      return agentProcess(agentJar, home, account, pollIntervalSecs, 60, environment);
    }

    /** As above, with the heartbeat interval of runs (seconds). */
    public AgentProcess agentProcess(
        Path agentJar,
        Path home,
        AgentAccount account,
        double pollIntervalSecs,
        double heartbeatSecs,
        Map<String, String> environment) {
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("ApiBaseURL", addon.baseUrl());
      conf.put("AgentID", Long.toString(account.agentId()));
      conf.put("AgentToken", account.token());
      conf.put("PollIntervalSecs", String.format(Locale.ROOT, "%s", pollIntervalSecs));
      conf.put("HeartbeatIntervalSecs", String.format(Locale.ROOT, "%s", heartbeatSecs));
      conf.put("Hostname", "sim-" + account.agentId());
      return new AgentProcess(agentJar, home, conf, environment);
    }
  }

  /** An agent's identity at the addon. */
  public record AgentAccount(long agentId, String token) {
    @Override
    public String toString() {
      return "AgentAccount[agentId=" + agentId + ", token=***]";
    }
  }
}
