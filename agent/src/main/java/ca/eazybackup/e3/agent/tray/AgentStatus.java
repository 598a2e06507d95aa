package ca.eazybackup.e3.agent.tray;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the service tells a tray helper: the agent's state, the runs executing now and the last one
 * that finished. {@code last_run} is null until a run finished since the service started.
 */
public record AgentStatus(
    @JsonProperty("agent_id") long agentId,
    @JsonProperty("state") String state,
    @JsonProperty("active_runs") List<Long> activeRuns,
    @JsonProperty("last_run") LastRun lastRun,
    @JsonProperty("log_dir") String logDir) {

  /** The last finished run as the tray shows it. */
  public record LastRun(
      @JsonProperty("run_id") long runId,
      @JsonProperty("status") String status,
      @JsonProperty("message") String message,
      @JsonProperty("finished_at") String finishedAt) {}

  /** One line for a tooltip or a console: "running · 1 run active · last run 42 success". */
  public String summary() {
    StringBuilder s = new StringBuilder("e3 Backup: ").append(state);
    if (!activeRuns.isEmpty()) {
      s.append(", run ").append(activeRuns.get(0)).append(" in progress");
    }
    if (lastRun != null) {
      s.append(", last run ")
          .append(lastRun.runId())
          .append(' ')
          .append(lastRun.status())
          .append(" at ")
          .append(lastRun.finishedAt());
    } else {
      s.append(", no run finished since the service started");
    }
    return s.toString();
  }
}
