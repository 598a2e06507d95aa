package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.config.AgentConfig;
import ca.eazybackup.e3.agent.config.AgentConfigFile;
import ca.eazybackup.e3.agent.config.ConfigException;
import ca.eazybackup.e3.agent.logging.LoggingSetup;
import ca.eazybackup.e3.agent.runner.AgentRuntime;
import ca.eazybackup.e3.agent.runner.EngineRegistry;
import ca.eazybackup.e3.agent.runner.NativeHost;
import ca.eazybackup.e3.agent.runner.RuntimeSettings;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.shims.WindowsHost;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the agent in the foreground until SIGTERM/Ctrl-C (also what the service runs). */
@Command(name = "run", description = "Run the agent in the foreground until stopped.")
final class RunCommand implements Callable<Integer>, AgentMain.NeedsHost {
  private Supplier<WindowsHost> host = NativeHost::currentOrNative;

  @Override
  public void host(Supplier<WindowsHost> host) {
    this.host = host;
  }

  static final int EXIT_CONFIG = 3;

  @Mixin ConfigOption config = new ConfigOption();

  @Override
  public Integer call() {
    AgentConfig cfg;
    try {
      cfg = AgentConfigFile.load(config.path());
    } catch (ConfigException e) {
      System.err.println("e3-backup-agent: " + e.getMessage());
      return EXIT_CONFIG;
    }
    LoggingSetup.toFiles(cfg.logDir(), cfg.runsDir());
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    cfg.warnings().forEach(w -> log.warn("config.warning {}", w));
    log.info("agent.config {}", cfg);

    S3ClientFactory s3 = new S3ClientFactory();
    AgentRuntime runtime =
        new AgentRuntime(
            cfg,
            RuntimeSettings.from(cfg),
            new AgentApiClient(cfg.apiBaseUrl(), cfg.agentId(), cfg.agentToken()),
            EngineRegistry.defaults(),
            host.get(),
            s3,
            Clock.systemUTC());
    Thread hook =
        new Thread(
            () -> {
              log.info("agent.signal stop requested");
              runtime.stop();
            },
            "e3-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    runtime.start();
    runtime.awaitStopped();
    s3.close();
    return 0;
  }
}
