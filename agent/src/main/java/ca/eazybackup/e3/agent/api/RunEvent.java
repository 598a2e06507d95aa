package ca.eazybackup.e3.agent.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * One event of {@code agent_push_events.php}; {@code seq} is per run and lets the addon drop a
 * resent duplicate.
 */
public record RunEvent(
    @JsonProperty("seq") long seq,
    @JsonProperty("ts") Instant ts,
    @JsonProperty("type") String type,
    @JsonProperty("level") String level,
    @JsonProperty("code") String code,
    @JsonProperty("message") String message,
    @JsonProperty("params") Map<String, Object> params) {

  public RunEvent {
    params = params == null ? Map.of() : params;
  }
}
