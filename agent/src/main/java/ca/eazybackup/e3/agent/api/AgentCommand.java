package ca.eazybackup.e3.agent.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * One pending command of {@code agent_poll_pending_commands.php}.
 *
 * @param job full job context (restore: its {@code run_id} is the restore run), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentCommand(
    @JsonProperty("command_id") long commandId,
    @JsonProperty("type") String type,
    @JsonProperty("run_id") Long runId,
    @JsonProperty("job_id") Long jobId,
    @JsonProperty("payload") JsonNode payload,
    @JsonProperty("job") RunAssignment job) {

  public AgentCommand {
    payload = payload == null || payload.isNull() ? JsonNodeFactory.instance.objectNode() : payload;
  }

  /** Never prints the payload: NAS and restore payloads carry keys. */
  @Override
  public String toString() {
    return "AgentCommand[command_id=" + commandId + ", type=" + type + ", run_id=" + runId + "]";
  }
}
