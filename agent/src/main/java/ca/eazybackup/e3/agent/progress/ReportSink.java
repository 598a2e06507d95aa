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
   * A run's closing event ({@code *_COMPLETED}, {@code *_FAILED}, {@code *_CANCELLED}), its final
   * status and, for a restore, its command's completion, handed over as one: a sink that keeps them
   * across a kill must keep all or none. The kill loop found the gap this closes: the closing event
   * reached the addon, the agent was killed before the final status was queued, and the run the
   * agent had finished was reclaimed and run a second time.
   *
   * @param then the command this run answers, completed after the final status; null for none
   */
  default void finish(long runId, RunEvent closing, ObjectNode body, CommandResult then) {
    if (then != null) {
      throw new UnsupportedOperationException("this sink does not complete commands");
    }
    event(runId, closing);
    update(runId, body, true);
  }

  /** An {@code agent_complete_command} that travels with a run's final status. */
  record CommandResult(long commandId, boolean ok, String message) {}
}
