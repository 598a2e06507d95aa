package ca.eazybackup.e3.whmcs.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Follows a run through the client API the way the live view does, until it ends. */
public final class RunWatcher {
  /** Statuses after which a run never changes again. */
  public static final Set<String> TERMINAL = Set.of("success", "warning", "failed", "cancelled");

  private RunWatcher() {}

  /** The run as {@code cloudbackup_list_runs.php} shows it. */
  public static JsonNode run(AddonClient client, long jobId, long runId) {
    for (JsonNode r :
        client.read("cloudbackup_list_runs.php", Map.of("job_id", jobId)).path("runs")) {
      if (r.path("run_id").asLong() == runId) {
        return r;
      }
    }
    throw new IllegalStateException("run " + runId + " is not listed for job " + jobId);
  }

  /**
   * Polls until the run is terminal, calling {@code onChange} whenever its progress changes;
   * returns the final run, or throws after {@code timeout}.
   */
  public static JsonNode awaitTerminal(
      AddonClient client, long jobId, long runId, Duration timeout, Consumer<JsonNode> onChange)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (true) {
      JsonNode run = run(client, jobId, runId);
      String now = ProgressLine.of(run);
      if (!now.equals(last)) {
        onChange.accept(run);
        last = now;
      }
      if (TERMINAL.contains(run.path("status").asText())) {
        return run;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "run " + runId + " still " + run.path("status").asText() + " after " + timeout);
      }
      // The live view polls too: the addon has no push channel to its UI.
      Thread.sleep(250);
    }
  }
}
