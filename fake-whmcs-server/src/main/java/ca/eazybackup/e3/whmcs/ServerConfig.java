package ca.eazybackup.e3.whmcs;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything the fake addon needs to start. Defaults give a private in-memory H2 database and a
 * free port, so tests and the simulation can start as many servers as they like.
 *
 * @param port TCP port on 127.0.0.1 (0 = a free port)
 * @param host interface to bind (127.0.0.1 by default)
 * @param basePath path before the PHP file names, e.g. {@code /modules/addons/cloudstorage/api}
 * @param jdbcUrl H2 (MySQL mode) or MariaDB JDBC URL; null = a fresh in-memory H2 database
 * @param watchdogTimeout {@code AGENT_WATCHDOG_TIMEOUT_SECONDS}: starting/running runs older than
 *     this fail with AGENT_OFFLINE
 * @param reclaimGrace {@code AGENT_RECLAIM_GRACE_SECONDS}: the owning agent gets its stale run back
 *     after this long without a heartbeat; must be shorter than the watchdog timeout
 * @param watchdogSweepInterval how often the watchdog cron runs (zero = never; call it by hand)
 * @param schedulerInterval how often the scheduler cron runs (zero = never; call it by hand)
 * @param browseTimeout how long {@code agent_browse_filesystem.php} waits for the agent's report
 * @param moduleEncryptionKey the addon's key for secrets at rest (AES-GCM key is derived from it)
 * @param adminToken the value of {@code X-Admin-Token} the admin endpoints accept
 * @param clock the one clock for every timestamp, heartbeat cutoff and schedule
 * @param smtp where to send notification mail besides the outbox table; null = outbox only
 */
public record ServerConfig(
    int port,
    String host,
    String basePath,
    String jdbcUrl,
    Duration watchdogTimeout,
    Duration reclaimGrace,
    Duration watchdogSweepInterval,
    Duration schedulerInterval,
    Duration browseTimeout,
    String moduleEncryptionKey,
    String adminToken,
    Clock clock,
    Smtp smtp) {

  public static final String DEFAULT_BASE_PATH = "/modules/addons/cloudstorage/api";

  /** An SMTP relay without authentication (a local MTA or a test mail catcher). */
  public record Smtp(String host, int port, String from) {
    public Smtp {
      Objects.requireNonNull(host, "smtp host");
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("smtp port must be 1..65535, was " + port);
      }
      from = from == null || from.isBlank() ? "e3-backup@localhost" : from;
    }
  }

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    host = host == null || host.isBlank() ? "127.0.0.1" : host;
    basePath = normaliseBasePath(basePath);
    jdbcUrl =
        jdbcUrl == null || jdbcUrl.isBlank()
            ? "jdbc:h2:mem:whmcs-" + UUID.randomUUID() + ";MODE=MySQL;DB_CLOSE_DELAY=-1"
            : jdbcUrl;
    watchdogTimeout = positive(watchdogTimeout, Duration.ofSeconds(720), "watchdog timeout");
    reclaimGrace = positive(reclaimGrace, Duration.ofSeconds(180), "reclaim grace");
    if (reclaimGrace.compareTo(watchdogTimeout) >= 0) {
      throw new IllegalArgumentException(
          "reclaim grace ("
              + reclaimGrace.toSeconds()
              + " s) must be shorter than the watchdog timeout ("
              + watchdogTimeout.toSeconds()
              + " s)");
    }
    watchdogSweepInterval =
        watchdogSweepInterval == null ? Duration.ofSeconds(30) : watchdogSweepInterval;
    schedulerInterval = schedulerInterval == null ? Duration.ofSeconds(30) : schedulerInterval;
    browseTimeout = positive(browseTimeout, Duration.ofSeconds(15), "browse timeout");
    moduleEncryptionKey =
        moduleEncryptionKey == null || moduleEncryptionKey.isEmpty()
            ? "e3sim-development-module-key"
            : moduleEncryptionKey;
    adminToken =
        adminToken == null || adminToken.isBlank() ? UUID.randomUUID().toString() : adminToken;
    clock = clock == null ? Clock.systemUTC() : clock;
  }

  /** Defaults: free port, in-memory H2, 720 s watchdog, 180 s grace, system clock. */
  public static ServerConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.port = port;
    b.host = host;
    b.basePath = basePath;
    b.jdbcUrl = jdbcUrl;
    b.watchdogTimeout = watchdogTimeout;
    b.reclaimGrace = reclaimGrace;
    b.watchdogSweepInterval = watchdogSweepInterval;
    b.schedulerInterval = schedulerInterval;
    b.browseTimeout = browseTimeout;
    b.moduleEncryptionKey = moduleEncryptionKey;
    b.adminToken = adminToken;
    b.clock = clock;
    b.smtp = smtp;
    return b;
  }

  public ServerConfig withPort(int value) {
    return toBuilder().port(value).build();
  }

  public ServerConfig withBasePath(String value) {
    return toBuilder().basePath(value).build();
  }

  public ServerConfig withJdbcUrl(String value) {
    return toBuilder().jdbcUrl(value).build();
  }

  public ServerConfig withClock(Clock value) {
    return toBuilder().clock(value).build();
  }

  public ServerConfig withWatchdog(Duration timeout, Duration grace) {
    return toBuilder().watchdogTimeout(timeout).reclaimGrace(grace).build();
  }

  public ServerConfig withAdminToken(String value) {
    return toBuilder().adminToken(value).build();
  }

  private static String normaliseBasePath(String path) {
    String p = path == null ? DEFAULT_BASE_PATH : path.trim();
    if (p.isEmpty() || p.equals("/")) {
      return "";
    }
    if (!p.startsWith("/")) {
      p = "/" + p;
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static Duration positive(Duration d, Duration fallback, String what) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private int port;
    private String host;
    private String basePath = DEFAULT_BASE_PATH;
    private String jdbcUrl;
    private Duration watchdogTimeout;
    private Duration reclaimGrace;
    private Duration watchdogSweepInterval;
    private Duration schedulerInterval;
    private Duration browseTimeout;
    private String moduleEncryptionKey;
    private String adminToken;
    private Clock clock;
    private Smtp smtp;

    private Builder() {}

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder basePath(String v) {
      basePath = v;
      return this;
    }

    public Builder jdbcUrl(String v) {
      jdbcUrl = v;
      return this;
    }

    public Builder watchdogTimeout(Duration v) {
      watchdogTimeout = v;
      return this;
    }

    public Builder reclaimGrace(Duration v) {
      reclaimGrace = v;
      return this;
    }

    public Builder watchdogSweepInterval(Duration v) {
      watchdogSweepInterval = v;
      return this;
    }

    public Builder schedulerInterval(Duration v) {
      schedulerInterval = v;
      return this;
    }

    public Builder browseTimeout(Duration v) {
      browseTimeout = v;
      return this;
    }

    public Builder moduleEncryptionKey(String v) {
      moduleEncryptionKey = v;
      return this;
    }

    public Builder adminToken(String v) {
      adminToken = v;
      return this;
    }

    public Builder clock(Clock v) {
      clock = v;
      return this;
    }

    public Builder smtp(Smtp v) {
      smtp = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          port,
          host,
          basePath,
          jdbcUrl,
          watchdogTimeout,
          reclaimGrace,
          watchdogSweepInterval,
          schedulerInterval,
          browseTimeout,
          moduleEncryptionKey,
          adminToken,
          clock,
          smtp);
    }
  }
}
