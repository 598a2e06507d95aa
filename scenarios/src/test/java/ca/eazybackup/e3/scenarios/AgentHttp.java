package ca.eazybackup.e3.scenarios;

import ca.eazybackup.e3.whmcs.sim.AddonClient;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.AgentAccount;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Calls the addon as an agent ({@code X-Agent-ID}/{@code X-Agent-Token}) or as an admin ({@code
 * X-Admin-Token}), for steps that play an old agent, the admin area or an attacker.
 */
final class AgentHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final Map<String, String> headers;

  private AgentHttp(String baseUrl, Map<String, String> headers) {
    this.baseUrl = baseUrl;
    this.headers = headers;
  }

  static AgentHttp agent(String baseUrl, AgentAccount a) {
    return new AgentHttp(
        baseUrl, Map.of("X-Agent-ID", String.valueOf(a.agentId()), "X-Agent-Token", a.token()));
  }

  static AgentHttp agent(String baseUrl, long agentId, String token) {
    return new AgentHttp(
        baseUrl, Map.of("X-Agent-ID", String.valueOf(agentId), "X-Agent-Token", token));
  }

  static AgentHttp admin(String baseUrl, String token) {
    return new AgentHttp(baseUrl, Map.of("X-Admin-Token", token));
  }

  static AgentHttp client(String baseUrl, String session) {
    return new AgentHttp(baseUrl, Map.of("X-Client-Session", session));
  }

  /** The JSON answer; throws unless it is a success. */
  JsonNode post(String file, Object body) {
    AddonClient.Response r = call(file, body);
    if (!r.ok()) {
      throw new AssertionError(file + " answered HTTP " + r.httpStatus() + ": " + r.body());
    }
    return r.body();
  }

  AddonClient.Response call(String file, Object body) {
    try {
      byte[] bytes =
          body instanceof String s
              ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(body);
      return send(file, "application/json", bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Any body and content type; the answer must be JSON (else the parse fails the step). */
  AddonClient.Response send(String file, String contentType, byte[] body) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(baseUrl + "/" + file))
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", contentType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
      return new AddonClient.Response(r.statusCode(), json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
