package ca.eazybackup.e3.agent.tray;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the service tells a tray helper: the agent's state, the runs executing now, the last one
 * that finished and the Cloud NAS drives to map in the user's session. {@code last_run} is null
 * until a run finished since the service started.
 */
public record AgentStatus(
    @JsonProperty("agent_id") long agentId,
    @JsonProperty("state") String state,
    @JsonProperty("active_runs") List<Long> activeRuns,
    @JsonProperty("last_run") LastRun lastRun,
    @JsonProperty("log_dir") String logDir,
    @JsonProperty("drives") List<Drive> drives) {

  @com.fasterxml.jackson.annotation.JsonCreator
  public AgentStatus {
    drives = drives == null ? List.of() : List.copyOf(drives);
  }

  /** A status without drives for the tray to map. */
  public AgentStatus(
      long agentId, String state, List<Long> activeRuns, LastRun lastRun, String logDir) {
    this(agentId, state, activeRuns, lastRun, logDir, List.of());
  }

  /**
   * A Cloud NAS drive the tray helper maps in its user's session (the service runs elevated, and
   * Windows hides an elevated process's mappings from Explorer), or, {@code served} false, one the
   * service stopped serving, to be unmapped where it is still mapped to that {@code url}.
   */
  public record Drive(
      @JsonProperty("letter") String letter,
      @JsonProperty("url") String url,
      @JsonProperty("label") String label,
      @JsonProperty("served") boolean served) {}

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
