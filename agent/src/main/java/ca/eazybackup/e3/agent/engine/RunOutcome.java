package ca.eazybackup.e3.agent.engine;

import java.util.Map;

/**
 * How an engine operation ended.
 *
 * @param manifestId the saved, re-read snapshot manifest id (kopia); null otherwise
 */
public record RunOutcome(
    RunStatus status, String message, Map<String, Object> stats, String manifestId) {

  public RunOutcome {
    stats = stats == null ? Map.of() : Map.copyOf(stats);
  }

  public static RunOutcome success(String message) {
    return new RunOutcome(RunStatus.SUCCESS, message, Map.of(), null);
  }

  public static RunOutcome failed(String message) {
    return new RunOutcome(RunStatus.FAILED, message, Map.of(), null);
  }

  public static RunOutcome cancelled(String message) {
    return new RunOutcome(RunStatus.CANCELLED, message, Map.of(), null);
  }
}
