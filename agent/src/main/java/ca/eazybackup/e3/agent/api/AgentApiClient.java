package ca.eazybackup.e3.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the addon's agent endpoints (docs/agent-api.md). Every method makes exactly one HTTP
 * attempt and throws {@link ApiException}; deciding whether a call may be repeated is the caller's
 * business, because it depends on the call (see {@code runner.Outbox} and {@code
 * runner.AgentRuntime}).
 */
public final class AgentApiClient {
  private static final Logger log = LoggerFactory.getLogger(AgentApiClient.class);

  /** The one JSON mapper of the agent's wire format. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final URI baseUrl;
  private final long agentId;
  private final String token;
  private final HttpClient http;
  private final Duration requestTimeout;

  public AgentApiClient(URI baseUrl, long agentId, String token) {
    this(baseUrl, agentId, token, Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  public AgentApiClient(
      URI baseUrl, long agentId, String token, Duration connectTimeout, Duration requestTimeout) {
    String b = baseUrl.toString();
    this.baseUrl = URI.create(b.endsWith("/") ? b : b + "/");
    this.agentId = agentId;
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** Claims the next queued run for this agent, or the agent's own stale run (reclaimed). */
  public Optional<RunAssignment> nextRun(String hostname) throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    if (hostname != null && !hostname.isBlank()) {
      body.put("hostname", ContractLimits.head(hostname, ContractLimits.HOSTNAME));
    }
    JsonNode run = post("agent_next_run.php", body).path("run");
    if (run.isMissingNode() || run.isNull()) {
      return Optional.empty();
    }
    return Optional.of(convert("agent_next_run.php", run, RunAssignment.class));
  }

  /** Heartbeat/progress/final status; only the fields present in {@code body} are written. */
  public UpdateRunResponse updateRun(ObjectNode body) throws ApiException {
    JsonNode r = post("agent_update_run.php", ContractLimits.fitRunUpdate(body));
    return new UpdateRunResponse(
        r.path("run_status").asText(null), r.path("cancel_requested").asBoolean(false));
  }

  /** Returns how many events the addon stored (duplicates by seq are not counted). */
  public int pushEvents(long runId, List<RunEvent> events) throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("run_id", runId);
    body.set("events", JSON.valueToTree(events.stream().map(ContractLimits::fit).toList()));
    return post("agent_push_events.php", body).path("accepted").asInt(0);
  }

  /**
   * Fetches pending commands; the addon marks them delivered, so this call is NOT repeated after a
   * lost answer (the commands would be gone).
   */
  public List<AgentCommand> pollCommands() throws ApiException {
    JsonNode commands =
        post("agent_poll_pending_commands.php", JSON.createObjectNode()).path("commands");
    List<AgentCommand> result = new ArrayList<>();
    if (commands.isArray()) {
      for (JsonNode c : commands) {
        result.add(convert("agent_poll_pending_commands.php", c, AgentCommand.class));
      }
    }
    return result;
  }

  /**
   * Tells the addon these commands are in the agent's journal on disk, so it does not hand them out
   * again. Safe to repeat; a lost answer only means a command comes again, which the journal drops.
   */
  public void ackCommands(List<Long> commandIds) throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    var ids = body.putArray("command_ids");
    commandIds.forEach(ids::add);
    post("agent_ack_commands.php", body);
  }

  public void completeCommand(long commandId, boolean ok, String resultMessage)
      throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("command_id", commandId);
    body.put("status", ok ? "completed" : "failed");
    body.put("result_message", ContractLimits.head(resultMessage, ContractLimits.RESULT_MESSAGE));
    post("agent_complete_command.php", body);
  }

  public void reportBrowse(long commandId, ObjectNode result) throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("command_id", commandId);
    body.set("result", result);
    post("agent_report_browse.php", body);
  }

  public void reportBrowseError(long commandId, String error) throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("command_id", commandId);
    body.put("error", ContractLimits.head(error, ContractLimits.TEXT));
    post("agent_report_browse.php", body);
  }

  /** Time Machine's answer to {@code snapshot_browse} or {@code snapshot_diff}. */
  public void reportSnapshot(long commandId, ObjectNode result) throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("command_id", commandId);
    body.set("result", result);
    post("agent_report_snapshot.php", body);
  }

  public void reportSnapshotError(long commandId, String error) throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("command_id", commandId);
    body.put("error", ContractLimits.head(error, ContractLimits.TEXT));
    post("agent_report_snapshot.php", body);
  }

  public void updateNasStatus(long mountId, String status, String error) throws ApiException {
    updateNasStatus(mountId, status, error, null, null);
  }

  /**
   * {@code cloudnas_update_status.php} with the drive's cache size (the addon's "Cache Used"; null:
   * not sent) and a warning about a working drive (null: none).
   */
  public void updateNasStatus(
      long mountId, String status, String error, Long cacheBytesUsed, String warning)
      throws ApiException {
    ObjectNode body = JSON.createObjectNode();
    body.put("mount_id", mountId);
    body.put("status", status);
    if (error == null) {
      body.putNull("error");
    } else {
      body.put("error", ContractLimits.head(error, ContractLimits.TEXT));
    }
    if (cacheBytesUsed != null) {
      body.put("cache_bytes_used", cacheBytesUsed);
    }
    // Always sent: the addon keeps only the latest warning, so null clears one that went away.
    if (warning == null) {
      body.putNull("warning");
    } else {
      body.put("warning", ContractLimits.head(warning, ContractLimits.TEXT));
    }
    post("cloudnas_update_status.php", body);
  }

  /**
   * {@code agent_list_mounts.php}: this agent's Cloud NAS drives, each a {@code nas_mount} payload
   * (keys included) plus {@code persistent}, {@code status} and {@code auto_mount}.
   */
  public List<JsonNode> listMounts() throws ApiException {
    JsonNode mounts = post("agent_list_mounts.php", JSON.createObjectNode()).path("mounts");
    List<JsonNode> result = new ArrayList<>();
    if (mounts.isArray()) {
      mounts.forEach(result::add);
    }
    return result;
  }

  /** Legacy read-only list of the agent's jobs; {@code doctor} uses it to test reachability. */
  public List<RunAssignment> fetchJobs() throws ApiException {
    JsonNode jobs = post("agent_fetch_jobs.php", JSON.createObjectNode()).path("jobs");
    List<RunAssignment> result = new ArrayList<>();
    if (jobs.isArray()) {
      for (JsonNode j : jobs) {
        result.add(convert("agent_fetch_jobs.php", j, RunAssignment.class));
      }
    }
    return result;
  }

  private JsonNode post(String endpoint, ObjectNode body) throws ApiException {
    URI uri = baseUrl.resolve(endpoint);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(endpoint, 0, "cannot encode request: " + e.getOriginalMessage(), e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("X-Agent-ID", Long.toString(agentId))
            .header("X-Agent-Token", token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new ApiException(endpoint, 0, "no answer from " + uri + " within the timeout", e);
    } catch (IOException e) {
      throw new ApiException(endpoint, 0, "addon unreachable at " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(endpoint, 0, "interrupted", e);
    }
    int status = response.statusCode();
    JsonNode json = parse(response.body());
    if (status >= 200 && status < 300 && json != null && json.isObject()) {
      if ("fail".equals(json.path("status").asText())) {
        throw ApiException.failInSuccess(endpoint, status, failMessage(json, status));
      }
      return json;
    }
    if (status >= 200 && status < 300) {
      // A 200 that is not JSON is a misconfigured URL (a login page, a proxy) - try again later.
      throw new ApiException(
          endpoint, 502, "addon answered " + status + " without a JSON object from " + uri, null);
    }
    String message = json != null ? failMessage(json, status) : "HTTP " + status + " from " + uri;
    log.debug("api.error endpoint={} http_status={} message={}", endpoint, status, message);
    throw new ApiException(endpoint, status, message, null);
  }

  private static String failMessage(JsonNode json, int status) {
    String msg = json.path("message").asText("HTTP " + status);
    String field = json.path("field").asText("");
    return field.isEmpty()
        ? "HTTP " + status + ": " + msg
        : "HTTP " + status + ": " + msg + " (field " + field + ")";
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(new String(body, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static <T> T convert(String endpoint, JsonNode node, Class<T> type) throws ApiException {
    try {
      return JSON.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ApiException(endpoint, 400, "malformed answer: " + e.getMessage(), e);
    }
  }
}
