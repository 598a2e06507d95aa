package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.config.AgentConfig;
import java.time.Duration;

/**
 * The runtime's timings. Production values come from {@code agent.conf} and the contract; tests
 * shrink them so a "60 s heartbeat" scenario runs in a second.
 *
 * @param updateInterval the shortest gap between two progress updates (contract: 1 s)
 * @param progressEventInterval the shortest gap between two {@code *_PROGRESS} events (10 s)
 * @param cancelGrace how long a cancelled engine may take to stop before the run is reported
 *     cancelled anyway (the contract promises the run stops within 5 s)
 * @param shutdownFlush how long a stopping agent keeps trying to deliver queued reports
 */
public record RuntimeSettings(
    Duration pollInterval,
    Duration heartbeatInterval,
    Duration updateInterval,
    Duration progressEventInterval,
    Duration cancelGrace,
    Duration shutdownFlush,
    Duration backoffBase,
    Duration backoffCap,
    Duration tickInterval) {

  public static RuntimeSettings from(AgentConfig config) {
    return new RuntimeSettings(
        config.pollInterval(),
        config.heartbeatInterval(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofSeconds(4),
        Duration.ofSeconds(15),
        Duration.ofMillis(500),
        Duration.ofSeconds(30),
        Duration.ofMillis(200));
  }

  public RuntimeSettings withHeartbeatInterval(Duration d) {
    return new RuntimeSettings(
        pollInterval,
        d,
        updateInterval,
        progressEventInterval,
        cancelGrace,
        shutdownFlush,
        backoffBase,
        backoffCap,
        tickInterval);
  }

  public RuntimeSettings withBackoff(Duration base, Duration cap) {
    return new RuntimeSettings(
        pollInterval,
        heartbeatInterval,
        updateInterval,
        progressEventInterval,
        cancelGrace,
        shutdownFlush,
        base,
        cap,
        tickInterval);
  }

  public RuntimeSettings withProgressEventInterval(Duration d) {
    return new RuntimeSettings(
        pollInterval,
        heartbeatInterval,
        updateInterval,
        d,
        cancelGrace,
        shutdownFlush,
        backoffBase,
        backoffCap,
        tickInterval);
  }
}
