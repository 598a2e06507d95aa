package ca.eazybackup.e3.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A small stand-in for the addon's agent endpoints on the JDK's HTTP server: hands out queued runs
 * and commands, records every request, dedupes events by seq and refuses updates of terminal runs
 * with 409, as docs/agent-api.md says. {@link #down(boolean)} makes every endpoint answer 503.
 */
public final class FakeAddon implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final long AGENT_ID = 7;
  public static final String TOKEN = "agent-token-0123456789abcdef";
  public static final Path EXAMPLES = Path.of("..", "docs", "api-examples");

  /** One request as received. */
  public record Request(String endpoint, JsonNode body) {}

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final Deque<JsonNode> runs = new ArrayDeque<>();
  private final Deque<JsonNode> commands = new ArrayDeque<>();
  private final Set<Long> terminal = new HashSet<>();
  private final Set<Long> cancelRequested = new HashSet<>();
  private final Map<Long, Set<Long>> seenSeqs = new HashMap<>();
  private final Map<Long, List<JsonNode>> events = new HashMap<>();
  private final Map<String, JsonNode> fixedAnswers = new HashMap<>();
  private volatile boolean down;

  private final Map<String, java.util.function.Consumer<JsonNode>> hooks =
      new java.util.concurrent.ConcurrentHashMap<>();

  public FakeAddon() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/");
  }

  public static JsonNode example(String name) {
    try {
      return JSON.readTree(Files.readString(EXAMPLES.resolve(name), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("golden file " + name + " unreadable", e);
    }
  }

  /** The golden run with another id/engine: a backup of {@code source}. */
  public static ObjectNode run(long runId, String engine, String source) {
    ObjectNode run = (ObjectNode) example("agent_next_run.response.json").get("run").deepCopy();
    run.put("run_id", runId);
    run.put("engine", engine);
    run.put("source_path", source);
    run.putArray("source_paths").add(source);
    run.putNull("network_credentials");
    return run;
  }

  public synchronized void queueRun(JsonNode run) {
    runs.add(run);
  }

  public synchronized void queueCommand(JsonNode command) {
    commands.add(command);
  }

  public synchronized void requestCancel(long runId) {
    cancelRequested.add(runId);
  }

  /** Answers {@code endpoint} with {@code body} (status 200) instead of the built-in logic. */
  public synchronized void answer(String endpoint, JsonNode body) {
    fixedAnswers.put(endpoint, body);
  }

  /** Calls {@code hook} with the body of every {@code endpoint} request, before it is answered. */
  public void onRequest(String endpoint, java.util.function.Consumer<JsonNode> hook) {
    hooks.put(endpoint, hook);
  }

  public void down(boolean down) {
    this.down = down;
  }

  public synchronized List<Request> requests(String endpoint) {
    return requests.stream().filter(r -> r.endpoint().equals(endpoint)).toList();
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The agent_update_run bodies of one run, in arrival order. */
  public synchronized List<JsonNode> updates(long runId) {
    return requests.stream()
        .filter(r -> r.endpoint().equals("agent_update_run.php"))
        .map(Request::body)
        .filter(b -> b.path("run_id").asLong() == runId)
        .toList();
  }

  /** Stored events of one run (duplicates dropped), in arrival order. */
  public synchronized List<JsonNode> events(long runId) {
    return List.copyOf(events.getOrDefault(runId, List.of()));
  }

  public synchronized List<String> eventCodes(long runId) {
    return events(runId).stream().map(e -> e.path("code").asText()).toList();
  }

  /** The final status of a run, or null while it is not terminal. */
  public synchronized String finalStatus(long runId) {
    return updates(runId).stream()
        .map(u -> u.path("status").asText(""))
        .filter(s -> !s.isEmpty() && !s.equals("running"))
        .findFirst()
        .orElse(null);
  }

  public synchronized JsonNode finalUpdate(long runId) {
    return updates(runId).stream()
        .filter(u -> !u.path("status").asText("running").equals("running"))
        .findFirst()
        .orElse(null);
  }

  private void handle(HttpExchange ex) throws IOException {
    String endpoint = ex.getRequestURI().getPath().substring("/api/".length());
    byte[] in = ex.getRequestBody().readAllBytes();
    if (down) {
      reply(ex, 503, "{\"status\":\"fail\",\"message\":\"maintenance\"}");
      return;
    }
    if (!String.valueOf(AGENT_ID).equals(ex.getRequestHeaders().getFirst("X-Agent-ID"))
        || !TOKEN.equals(ex.getRequestHeaders().getFirst("X-Agent-Token"))) {
      reply(ex, 401, example("error.unauthorized.response.json").toString());
      return;
    }
    JsonNode body = in.length == 0 ? JSON.createObjectNode() : JSON.readTree(in);
    java.util.function.Consumer<JsonNode> hook = hooks.get(endpoint);
    if (hook != null) {
      hook.accept(body);
    }
    int status = 200;
    String answer;
    synchronized (this) {
      requests.add(new Request(endpoint, body));
      JsonNode fixed = fixedAnswers.get(endpoint);
      if (fixed != null) {
        answer = fixed.toString();
      } else {
        switch (endpoint) {
          case "agent_next_run.php" -> {
            JsonNode run = runs.poll();
            answer = "{\"status\":\"success\",\"run\":" + (run == null ? "null" : run) + "}";
          }
          case "agent_poll_pending_commands.php" -> {
            ObjectNode r = JSON.createObjectNode().put("status", "success");
            var arr = r.putArray("commands");
            while (!commands.isEmpty()) {
              arr.add(commands.poll());
            }
            answer = r.toString();
          }
          case "agent_update_run.php" -> {
            long runId = body.path("run_id").asLong();
            if (terminal.contains(runId)) {
              status = 409;
              answer =
                  "{\"status\":\"fail\",\"message\":\"run " + runId + " is already finished\"}";
            } else {
              String s = body.path("status").asText("running");
              if (!s.equals("running")) {
                terminal.add(runId);
              }
              answer =
                  "{\"status\":\"success\",\"run_status\":\""
                      + s
                      + "\",\"cancel_requested\":"
                      + cancelRequested.contains(runId)
                      + "}";
            }
          }
          case "agent_push_events.php" -> {
            long runId = body.path("run_id").asLong();
            int accepted = 0;
            for (JsonNode e : body.path("events")) {
              if (seenSeqs
                  .computeIfAbsent(runId, k -> new HashSet<>())
                  .add(e.path("seq").asLong())) {
                events.computeIfAbsent(runId, k -> new ArrayList<>()).add(e);
                accepted++;
              }
            }
            answer = "{\"status\":\"success\",\"accepted\":" + accepted + "}";
          }
          case "agent_fetch_jobs.php" -> answer = "{\"status\":\"success\",\"jobs\":[]}";
          default -> answer = "{\"status\":\"success\"}";
        }
      }
    }
    reply(ex, status, answer);
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] out = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
