package ca.eazybackup.e3.scenarios;

import ca.eazybackup.e3.whmcs.ServerConfig;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The S3 server and the fake addon, started once for the whole suite: each scenario gets its own
 * client, agent and buckets, so tenant isolation keeps scenarios independent. Watchdog and reclaim
 * timings are shortened so that those scenarios run in seconds.
 */
final class SharedSystem {
  // Agents in scenarios heartbeat every second (HEARTBEAT), so these stay far above it even on
  // a loaded 2-core CI machine, and far below the production 180 s / 720 s.
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  static final Duration RECLAIM_GRACE = Duration.ofSeconds(10);
  // Longer than the 30 s addon outage scenario plus the agent's retry backoff, so only a truly
  // silent agent trips it; the S3 stall scenario stalls longer than this.
  static final Duration WATCHDOG_TIMEOUT = Duration.ofSeconds(60);
  private static SimEnvironment env;

  private SharedSystem() {}

  static synchronized SimEnvironment get() {
    if (env == null) {
      env =
          SimEnvironment.start(
              ServerConfig.builder()
                  .port(0)
                  .reclaimGrace(RECLAIM_GRACE)
                  .watchdogTimeout(WATCHDOG_TIMEOUT)
                  .watchdogSweepInterval(Duration.ofSeconds(1))
                  .build());
      Runtime.getRuntime().addShutdownHook(new Thread(SharedSystem::close, "scenarios-teardown"));
    }
    return env;
  }

  static synchronized void close() {
    if (env != null) {
      env.close();
      env = null;
    }
  }

  static Path agentJar() {
    String jar = System.getProperty("e3.agent.jar", "../agent/target/e3-backup-agent.jar");
    return Path.of(jar).toAbsolutePath().normalize();
  }
}
