package ca.eazybackup.e3.agent.progress;

import ca.eazybackup.e3.agent.api.RunEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a reporter hands its updates and events; the runtime's implementation delivers them to the
 * addon in the order given, retrying while the addon is away.
 */
public interface ReportSink {

  /** An {@code agent_update_run} body (with {@code run_id}); {@code terminal} for the final one. */
  void update(long runId, ObjectNode body, boolean terminal);

  void event(long runId, RunEvent event);

  /**
   * A run's closing event ({@code *_COMPLETED}, {@code *_FAILED}, {@code *_CANCELLED}) and its
   * final status, handed over as one: a sink that keeps them across a kill must keep both or
   * neither. The kill loop found the gap this closes: the closing event reached the addon, the
   * agent was killed before the final status was queued, and the run the agent had finished was
   * reclaimed and run a second time.
   */
  default void finish(long runId, RunEvent closing, ObjectNode body) {
    event(runId, closing);
    update(runId, body, true);
  }
}
