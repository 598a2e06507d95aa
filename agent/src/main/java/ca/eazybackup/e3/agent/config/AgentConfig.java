package ca.eazybackup.e3.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent's settings, read from {@code agent.conf} by {@link AgentConfigFile}.
 *
 * @param apiBaseUrl everything before the {@code .php} file name, always ending in {@code /}
 * @param pollInterval how often {@code agent_next_run} and the command poll run
 * @param heartbeatInterval the longest gap between two {@code agent_update_run} during a run
 * @param warnings unknown keys and other things worth a log line, not fatal
 */
public record AgentConfig(
    Path source,
    URI apiBaseUrl,
    long agentId,
    String agentToken,
    Duration pollInterval,
    Duration heartbeatInterval,
    Path runsDir,
    Path kopiaCacheDir,
    Path logDir,
    String hostname,
    List<String> warnings) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);

  public AgentConfig {
    warnings = List.copyOf(warnings);
  }

  /** A copy with another heartbeat interval (tests shorten it). */
  public AgentConfig withHeartbeatInterval(Duration interval) {
    return new AgentConfig(
        source,
        apiBaseUrl,
        agentId,
        agentToken,
        pollInterval,
        interval,
        runsDir,
        kopiaCacheDir,
        logDir,
        hostname,
        warnings);
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "AgentConfig[source="
        + source
        + ", api="
        + apiBaseUrl
        + ", agentId="
        + agentId
        + ", poll="
        + pollInterval
        + ", runsDir="
        + runsDir
        + ", hostname="
        + hostname
        + "]";
  }
}
