package ca.eazybackup.e3.whmcs;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the fake addon on its own until Ctrl-C. */
@Command(
    name = "fake-whmcs",
    mixinStandardHelpOptions = true,
    description = "The fake WHMCS cloudstorage addon: agent, client, admin and sim endpoints.")
public final class FakeWhmcsMain implements Callable<Integer> {
  @Option(names = "--port", description = "TCP port (0 = free port). Default: ${DEFAULT-VALUE}")
  int port = 8080;

  @Option(names = "--host", description = "Interface to bind. Default: ${DEFAULT-VALUE}")
  String host = "127.0.0.1";

  @Option(
      names = "--base-path",
      description = "Path before the PHP file names. Default: ${DEFAULT-VALUE}")
  String basePath = ServerConfig.DEFAULT_BASE_PATH;

  @Option(names = "--jdbc-url", description = "H2 or MariaDB JDBC URL (default: in-memory H2)")
  String jdbcUrl;

  @Option(
      names = "--watchdog-timeout-seconds",
      description = "AGENT_WATCHDOG_TIMEOUT_SECONDS. Default: ${DEFAULT-VALUE}")
  long watchdogTimeoutSeconds = 720;

  @Option(
      names = "--reclaim-grace-seconds",
      description = "AGENT_RECLAIM_GRACE_SECONDS. Default: ${DEFAULT-VALUE}")
  long reclaimGraceSeconds = 180;

  @Option(
      names = "--watchdog-interval-seconds",
      description = "Watchdog cron interval. Default: ${DEFAULT-VALUE}")
  long watchdogIntervalSeconds = 30;

  @Option(
      names = "--scheduler-interval-seconds",
      description = "Scheduler cron interval. Default: ${DEFAULT-VALUE}")
  long schedulerIntervalSeconds = 30;

  @Option(
      names = "--browse-timeout-seconds",
      description = "Wait for an agent's browse report. Default: ${DEFAULT-VALUE}")
  long browseTimeoutSeconds = 15;

  @Option(
      names = "--admin-token",
      description = "X-Admin-Token value (default: env E3_ADMIN_TOKEN or random, printed)")
  String adminToken = System.getenv("E3_ADMIN_TOKEN");

  @Option(
      names = "--smtp",
      description = "SMTP relay host:port for notification mail (default: outbox only)")
  String smtp;

  @Option(names = "--smtp-from", description = "Sender address. Default: ${DEFAULT-VALUE}")
  String smtpFrom = "e3-backup@localhost";

  @Override
  public Integer call() throws InterruptedException {
    String key = System.getenv("E3_MODULE_ENCRYPTION_KEY");
    ServerConfig.Smtp relay = null;
    if (smtp != null && !smtp.isBlank()) {
      String[] hp = smtp.split(":", 2);
      relay = new ServerConfig.Smtp(hp[0], hp.length > 1 ? Integer.parseInt(hp[1]) : 25, smtpFrom);
    }
    ServerConfig config =
        ServerConfig.builder()
            .port(port)
            .host(host)
            .basePath(basePath)
            .jdbcUrl(jdbcUrl)
            .watchdogTimeout(Duration.ofSeconds(watchdogTimeoutSeconds))
            .reclaimGrace(Duration.ofSeconds(reclaimGraceSeconds))
            .watchdogSweepInterval(Duration.ofSeconds(watchdogIntervalSeconds))
            .schedulerInterval(Duration.ofSeconds(schedulerIntervalSeconds))
            .browseTimeout(Duration.ofSeconds(browseTimeoutSeconds))
            .moduleEncryptionKey(key)
            .adminToken(adminToken)
            .smtp(relay)
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    try (FakeWhmcsServer server = FakeWhmcsServer.start(config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      System.out.println("fake WHMCS addon at " + server.baseUrl());
      System.out.println("sim endpoints at " + server.baseUrl() + "/sim/");
      if (adminToken == null) {
        System.out.println("admin token (X-Admin-Token): " + config.adminToken());
      }
      stopped.await();
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new FakeWhmcsMain()).execute(args));
  }
}
