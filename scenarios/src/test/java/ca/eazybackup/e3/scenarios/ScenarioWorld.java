package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import ca.eazybackup.e3.whmcs.sim.AddonClient;
import ca.eazybackup.e3.whmcs.sim.AgentProcess;
import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.AgentAccount;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.Tenant;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The state of one scenario, shared by all step classes (picocontainer creates one per scenario):
 * its tenant, agent process, folders, jobs and runs.
 */
public final class ScenarioWorld {
  final SimEnvironment env = SharedSystem.get();
  final String uid = UUID.randomUUID().toString().substring(0, 8);
  final Path dir;
  final Tenant tenant;
  final AgentAccount account;
  final Map<String, String> agentEnv = new LinkedHashMap<>();
  final Map<String, Path> folders = new HashMap<>();
  final Map<String, TreeManifest> manifests = new HashMap<>();
  AgentProcess agent;
  Path folder;
  TreeManifest manifest;
  String bucket;
  String prefix;
  long jobId;
  long runId;

  /** The restore run started last (restores of sync and kopia jobs alike). */
  long restoreRunId;

  JsonNode lastRun;

  /** The listing the client's last folder browse returned. */
  JsonNode lastListing;

  final List<Long> runIds = new ArrayList<>();
  String shareUser;
  String sharePassword;

  public ScenarioWorld() {
    try {
      dir = Files.createTempDirectory("e3-scenario-" + uid + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tenant = env.newTenant("client-" + uid + "@example.com");
    account = tenant.newAgent("host-" + uid);
    agentEnv.put("E3_SIMHOST_ROOT", windowsHostRoot().toString());
    agentEnv.put("E3_SIMHOST_JOURNAL", journal().toString());
  }

  Path journal() {
    return dir.resolve("windows-host-journal.jsonl");
  }

  AddonClient api() {
    return tenant.api();
  }

  /** The addon URL agents of this scenario are configured with (a relay may stand between). */
  String agentApiBaseUrl;

  /** The agent's home folder (config, runs, logs). */
  Path agentHome;

  /** Things to undo after the scenario (relays, changed addon settings), last first. */
  final java.util.Deque<Runnable> cleanups = new java.util.ArrayDeque<>();

  Path windowsHostRoot() {
    return dir.resolve("windows-host");
  }

  /** Starts the agent process (fast polling so scenarios take seconds). */
  AgentProcess startAgent() {
    if (agent == null) {
      agent =
          tenant.agentProcess(
              SharedSystem.agentJar(),
              agentHome == null ? dir.resolve("agent") : agentHome,
              account,
              0.5,
              SharedSystem.HEARTBEAT.toSeconds(),
              agentEnv,
              agentApiBaseUrl);
    }
    return agent.start();
  }

  /** A bucket name unique to this scenario, registered for the tenant (and created in S3). */
  String bucket(String name, boolean createInS3) {
    String b = (name + "-" + uid).toLowerCase(java.util.Locale.ROOT);
    tenant.newBucket(b, createInS3);
    return b;
  }

  TreeManifest generate(String preset, long seed, Path root) {
    return TestTree.generate(TreeSpec.named(preset), seed, root);
  }

  JsonNode awaitRun(long job, long run, Duration timeout) {
    try {
      lastRun = RunWatcher.awaitTerminal(api(), job, run, timeout, r -> {});
      return lastRun;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage() + diagnostics(), e);
    }
  }

  /** Awaits {@code run}'s terminal status and asserts it, naming the run and its error. */
  void assertRunEnds(String what, long run, String status, int seconds) {
    JsonNode r = awaitRun(jobId, run, Duration.ofSeconds(seconds));
    assertThat(r.path("status").asText())
        .as(
            "%s %d status (error: %s)%s",
            what, run, r.path("error_summary").asText(), diagnostics())
        .isEqualTo(status);
  }

  JsonNode events(long run) {
    return api().read("cloudbackup_get_run_events.php", Map.of("run_id", run)).path("events");
  }

  /** What to print when a step fails: the agent's console tail. */
  String diagnostics() {
    if (agent == null) {
      return "";
    }
    String console = agent.console();
    int from = Math.max(0, console.length() - 4000);
    return "\n--- agent console (tail) ---\n" + console.substring(from);
  }

  /** Deletes the scenario's temp folder (sources, restores, the agent's home); best effort. */
  void deleteFiles() {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // Left for the OS's temp cleanup; never fails a passed scenario.
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // as above
    }
  }

  void close() {
    if (agent != null) {
      agent.stop(Duration.ofSeconds(10));
    }
    while (!cleanups.isEmpty()) {
      cleanups.pop().run();
    }
  }
}
