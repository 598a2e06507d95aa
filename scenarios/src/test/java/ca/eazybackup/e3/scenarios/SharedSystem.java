package ca.eazybackup.e3.scenarios;

import ca.eazybackup.e3.whmcs.ServerConfig;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
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
  private static ScenarioDatabase database;
  private static GreenMail smtp;

  private SharedSystem() {}

  static synchronized SimEnvironment get() {
    if (env == null) {
      // A real SMTP server: the addon sends its notification mail there as it would to a relay.
      smtp =
          new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
      smtp.start();
      database = ScenarioDatabase.create();
      env =
          SimEnvironment.start(
              ServerConfig.builder()
                  .port(0)
                  .jdbcUrl(database == null ? null : database.jdbcUrl())
                  .reclaimGrace(RECLAIM_GRACE)
                  .watchdogTimeout(WATCHDOG_TIMEOUT)
                  .watchdogSweepInterval(Duration.ofSeconds(1))
                  .smtp(
                      new ServerConfig.Smtp(
                          "127.0.0.1", smtp.getSmtp().getPort(), "e3-backup@example.com"))
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
    if (database != null) {
      database.drop();
      database = null;
    }
    if (smtp != null) {
      smtp.stop();
      smtp = null;
    }
  }

  /** The SMTP server the addon mails to (started with the addon). */
  static synchronized GreenMail smtp() {
    get();
    return smtp;
  }

  static Path agentJar() {
    String jar = System.getProperty("e3.agent.jar", "../agent/target/e3-backup-agent.jar");
    return Path.of(jar).toAbsolutePath().normalize();
  }
}
