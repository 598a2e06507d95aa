package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.config.ConfigException;
import ca.eazybackup.e3.agent.runner.NativeHost;
import ca.eazybackup.e3.agent.service.AgentProcess;
import ca.eazybackup.e3.shims.WindowsHost;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the agent in the foreground until SIGTERM/Ctrl-C ({@code service run} is the service). */
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
    AgentProcess agent;
    try {
      agent = AgentProcess.start(config.path(), host.get());
    } catch (ConfigException e) {
      System.err.println("e3-backup-agent: " + e.getMessage());
      return EXIT_CONFIG;
    }
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    Thread hook =
        new Thread(
            () -> {
              log.info("agent.signal stop requested");
              agent.stop();
            },
            "e3-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    agent.awaitStopped();
    return 0;
  }
}
