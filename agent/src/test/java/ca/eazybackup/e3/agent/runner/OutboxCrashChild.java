package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.api.RunEvent;
import ca.eazybackup.e3.agent.api.UpdateRunResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The process {@link OutboxCrashTest} kills with SIGKILL: it queues a run's events, its final
 * status and two command completions while the addon is unreachable, says so on stdout, and waits
 * to be killed.
 */
public final class OutboxCrashChild {
  private OutboxCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    URI deadAddon = URI.create(args[1]);
    AgentApiClient api =
        new AgentApiClient(deadAddon, 7, "t0ken-xyz", Duration.ofSeconds(1), Duration.ofSeconds(1));
    Outbox outbox =
        new Outbox(
            api,
            new Outbox.Listener() {
              @Override
              public void onUpdateAnswer(long runId, UpdateRunResponse response) {}

              @Override
              public void onRunRejected(long runId, ApiException error) {}
            },
            Duration.ofMillis(50),
            Duration.ofMillis(200),
            dir);
    outbox.event(
        41,
        new RunEvent(
            1, Instant.now(), "lifecycle", "info", "RESTORE_STARTING", "starting", Map.of()));
    for (int i = 0; i < 3; i++) {
      outbox.event(
          41,
          new RunEvent(
              2 + i,
              Instant.now(),
              "info",
              "warn",
              "FILE_SKIPPED",
              "Skipped f" + i,
              Map.of("path", "f" + i, "reason", "locked")));
    }
    ObjectNode running = AgentApiClient.JSON.createObjectNode();
    running.put("run_id", 41).put("status", "running").put("files_done", 3);
    outbox.update(41, running, false);
    ObjectNode done = AgentApiClient.JSON.createObjectNode();
    done.put("run_id", 41).put("status", "success").put("files_done", 9);
    outbox.update(41, done, true);
    outbox.completeCommand(77, 41L, true, "restore run 41 success");
    outbox.completeCommand(78, null, true, "maintenance quick success");
    System.out.println("QUEUED pending=" + outbox.pending());
    System.out.flush();
    new CountDownLatch(1).await(); // parked until the test SIGKILLs this process
  }
}
