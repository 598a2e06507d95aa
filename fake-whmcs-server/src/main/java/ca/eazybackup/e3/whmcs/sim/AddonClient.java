package ca.eazybackup.e3.whmcs.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Talks to the addon the way its web UI and its simulation control do: JSON over HTTP, a client
 * session header for client endpoints. Failures carry the addon's own message.
 */
public final class AddonClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String clientSession;

  public AddonClient(String baseUrl, String clientSession) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.clientSession = clientSession;
  }

  /** The same addon as another client (tenant isolation checks). */
  public AddonClient asClient(String session) {
    return new AddonClient(baseUrl, session);
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** The client session token this client sends, or null for sim control. */
  public String clientSession() {
    return clientSession;
  }

  /** POSTs {@code body} as JSON to {@code <base>/<path>}; throws unless status is "success". */
  public JsonNode post(String path, Object body) {
    Response r = call("POST", path, body);
    if (!r.ok()) {
      throw new AddonException(path, r.httpStatus(), r.body());
    }
    return r.body();
  }

  /**
   * POSTs a request that only reads (a list, a run, a command), asked again when no answer came at
   * all: the JDK client reuses a pooled connection the addon's server may have just closed for
   * idleness ("header parser received no bytes"), and a read is safe to repeat. Anything the addon
   * answered, it throws as {@link #post} does.
   */
  public JsonNode read(String path, Object body) {
    for (int attempt = 1; ; attempt++) {
      try {
        return post(path, body);
      } catch (AddonException e) {
        if (e.httpStatus() != -1 || attempt == 3 || Thread.currentThread().isInterrupted()) {
          throw e;
        }
      }
    }
  }

  /** GETs {@code <base>/<path>} (query included in path); throws unless status is "success". */
  public JsonNode get(String path) {
    Response r = call("GET", path, null);
    if (!r.ok()) {
      throw new AddonException(path, r.httpStatus(), r.body());
    }
    return r.body();
  }

  /** The raw answer, for tests of error paths. */
  public Response call(String method, String path, Object body) {
    try {
      HttpRequest.Builder req =
          HttpRequest.newBuilder(URI.create(baseUrl + "/" + path))
              .timeout(Duration.ofSeconds(60))
              .header("Accept", "application/json");
      if (clientSession != null) {
        req.header("X-Client-Session", clientSession);
      }
      if ("GET".equals(method)) {
        req.GET();
      } else {
        req.header("Content-Type", "application/json")
            .method(
                method,
                HttpRequest.BodyPublishers.ofByteArray(
                    JSON.writeValueAsBytes(body == null ? JSON.createObjectNode() : body)));
      }
      HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json =
          resp.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(resp.body());
      return new Response(resp.statusCode(), json);
    } catch (IOException e) {
      throw new AddonException(path, -1, JSON.createObjectNode().put("message", e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AddonException(path, -1, JSON.createObjectNode().put("message", "interrupted"));
    }
  }

  /** An HTTP answer and its JSON body. */
  public record Response(int httpStatus, JsonNode body) {
    public boolean ok() {
      return httpStatus / 100 == 2 && "success".equals(body.path("status").asText());
    }
  }

  /** The addon refused or failed a call. */
  public static final class AddonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int httpStatus;

    AddonException(String path, int httpStatus, JsonNode body) {
      super(
          path
              + " failed (HTTP "
              + httpStatus
              + "): "
              + body.path("message").asText(body.toString()));
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }
}
