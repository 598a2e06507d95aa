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
}
