package ca.eazybackup.e3.whmcs.runs;

import java.util.List;

/** The run lifecycle of docs/agent-api.md. */
public final class RunStatus {
  public static final String QUEUED = "queued";
  public static final String STARTING = "starting";
  public static final String RUNNING = "running";
  public static final String SUCCESS = "success";
  public static final String WARNING = "warning";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";
  public static final String SKIPPED = "skipped";

  /** What an agent may report. */
  public static final List<String> REPORTABLE =
      List.of(RUNNING, SUCCESS, WARNING, FAILED, CANCELLED);

  /** SQL list of the states in which a run still belongs to its agent. */
  public static final String ACTIVE_SQL = "('queued','starting','running')";

  private RunStatus() {}

  public static boolean isTerminal(String status) {
    return !(QUEUED.equals(status) || STARTING.equals(status) || RUNNING.equals(status));
  }
}
