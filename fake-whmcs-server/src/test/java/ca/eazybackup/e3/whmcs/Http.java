package ca.eazybackup.e3.whmcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A test client for the fake addon: real HTTP, JSON in and out. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;

  Http(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A response: status code and parsed body. */
  record Response(int code, JsonNode body) {
    String message() {
      return body.path("message").asText();
    }

    String field() {
      return body.path("field").asText(null);
    }
  }

  Response post(String file, Object body, String... headers) {
    String text;
    try {
      text = body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return send(file, HttpRequest.BodyPublishers.ofString(text), "application/json", headers);
  }

  Response postForm(String file, String form, String... headers) {
    return send(
        file,
        HttpRequest.BodyPublishers.ofString(form),
        "application/x-www-form-urlencoded",
        headers);
  }

  Response get(String fileAndQuery, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + "/" + fileAndQuery))
            .timeout(Duration.ofSeconds(30))
            .GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return execute(b.build());
  }

  private Response send(
      String file, HttpRequest.BodyPublisher body, String contentType, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + "/" + file))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return execute(b.build());
  }

  /**
   * Any method, content type and raw body, for hostile-input tests; the answer must still be JSON
   * (a non-JSON body fails the parse, and so the test).
   */
  Response raw(
      String method, String fileAndQuery, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + "/" + fileAndQuery))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return execute(b.build());
  }

  /**
   * Writes {@code head} (request line and headers, CRLF-separated, no blank line) and {@code body}
   * over a plain socket: for what the JDK client refuses to send (a broken %-escape, a non-ASCII
   * header).
   */
  Response socket(String head, byte[] body) {
    URI base = URI.create(baseUrl);
    try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(30_000);
      String headers =
          head.replace("{base}", base.getRawPath())
              + "\r\nHost: "
              + base.getAuthority()
              + "\r\nContent-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(headers.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      String answer =
          new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int code = Integer.parseInt(answer.substring(9, 12));
      String payload = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      return new Response(code, JSON.readTree(payload.isEmpty() ? "{}" : payload));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response execute(HttpRequest req) {
    try {
      HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), JSON.readTree(r.body().isEmpty() ? "{}" : r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String[] agentHeaders(long agentId, String token) {
    return new String[] {"X-Agent-ID", String.valueOf(agentId), "X-Agent-Token", token};
  }

  static String[] clientHeaders(String session) {
    return new String[] {"X-Client-Session", session};
  }

  static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(new String[0]);
  }
}
