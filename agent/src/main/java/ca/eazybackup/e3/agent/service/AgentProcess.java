package ca.eazybackup.e3.agent.service;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.config.AgentConfig;
import ca.eazybackup.e3.agent.config.AgentConfigFile;
import ca.eazybackup.e3.agent.config.ConfigException;
import ca.eazybackup.e3.agent.logging.EventLogAppender;
import ca.eazybackup.e3.agent.logging.LoggingSetup;
import ca.eazybackup.e3.agent.logging.Redactor;
import ca.eazybackup.e3.agent.runner.AgentRuntime;
import ca.eazybackup.e3.agent.runner.EngineRegistry;
import ca.eazybackup.e3.agent.runner.RuntimeSettings;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.tray.AgentStatus;
import ca.eazybackup.e3.agent.tray.LastRunTracker;
import ca.eazybackup.e3.agent.tray.SessionPipes;
import ca.eazybackup.e3.agent.tray.StatusChannel;
import ca.eazybackup.e3.agent.tray.StatusSource;
import ca.eazybackup.e3.shims.WindowsHost;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running agent: config read, logging sent to its files, the runtime's loops started. The same
 * for the foreground {@code run} and the Windows service, so the two cannot drift apart.
 */
public final class AgentProcess {
  private static final Logger LOG = LoggerFactory.getLogger(AgentProcess.class);

  private final AgentRuntime runtime;
  private final S3ClientFactory s3;
  private final AutoCloseable tray;
  private volatile String state = "running";

  private AgentProcess(AgentRuntime runtime, S3ClientFactory s3, AutoCloseable tray) {
    this.runtime = runtime;
    this.s3 = s3;
    this.tray = tray;
  }

  /** Reads {@code configFile} and starts the agent; returns at once. */
  public static AgentProcess start(Path configFile, WindowsHost host) throws ConfigException {
    return start(configFile, host, EngineRegistry.defaults());
  }

  /** As {@link #start(Path, WindowsHost)} with other engines (tests of the service's stop). */
  public static AgentProcess start(Path configFile, WindowsHost host, EngineRegistry engines)
      throws ConfigException {
    AgentConfig cfg = AgentConfigFile.load(configFile, host.dataProtection());
    LoggingSetup.toFiles(cfg.logDir(), cfg.runsDir());
    Redactor.global().register(cfg.agentToken());
    EventLogAppender.attach(host.eventLog(AgentService.NAME));
    cfg.warnings().forEach(w -> LOG.warn("config.warning {}", w));
    LOG.info("agent.config {}", cfg);
    S3ClientFactory s3 = new S3ClientFactory();
    AgentRuntime runtime =
        new AgentRuntime(
            cfg,
            RuntimeSettings.from(cfg),
            new AgentApiClient(cfg.apiBaseUrl(), cfg.agentId(), cfg.agentToken()),
            engines,
            host,
            s3,
            Clock.systemUTC());
    runtime.start();
    LastRunTracker lastRun = LastRunTracker.attach();
    AgentProcess[] self = new AgentProcess[1];
    AutoCloseable tray = null;
    java.util.function.Supplier<AgentStatus> current =
        () -> status(cfg, runtime, lastRun, self[0] == null ? "starting" : self[0].state);
    if (StatusSource.pipesOn(host)) {
      // Windows: one pipe per signed-in user's session, its DACL naming that user.
      tray = SessionPipes.open(host, current);
    } else {
      try {
        tray =
            StatusChannel.open(
                configFile.toAbsolutePath().getParent(), current, host.fileProtection());
      } catch (java.io.IOException e) {
        // The tray is a view; the agent runs without it.
        LOG.warn("tray.channel_unavailable error={}", e.toString());
      }
    }
    self[0] = new AgentProcess(runtime, s3, tray);
    return self[0];
  }

  private static AgentStatus status(
      AgentConfig cfg, AgentRuntime runtime, LastRunTracker tracker, String state) {
    LastRunTracker.LastRun last = tracker.last();
    return new AgentStatus(
        cfg.agentId(),
        state,
        runtime.activeRunIds().stream().sorted().toList(),
        last == null
            ? null
            : new AgentStatus.LastRun(
                last.runId(), last.status(), last.message(), last.at().toString()),
        cfg.logDir().toAbsolutePath().toString(),
        runtime.userSessionDrives().stream()
            .map(
                d ->
                    new AgentStatus.Drive(
                        String.valueOf(d.letter()) + ":", d.url(), d.label(), d.served()))
            .toList());
  }

  /**
   * Graceful stop: no new work; a running run is cancelled, checkpointed by its engine and reported
   * {@code cancelled} to the addon; queued reports get their flush time. Blocks until done.
   */
  public void stop() {
    state = "stopping";
    runtime.stop();
    s3.close();
    if (tray != null) {
      try {
        tray.close();
      } catch (Exception e) {
        LOG.warn("tray.channel_close_failed error={}", e.toString());
      }
    }
  }

  public void awaitStopped() {
    runtime.awaitStopped();
  }
}
