package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.runner.NativeHost;
import ca.eazybackup.e3.agent.service.AgentService;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.WindowsHost;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Installs, removes, starts and stops the agent as a Windows service (through the shims). */
@Command(
    name = "service",
    description = "Manage the Windows service: install | uninstall | start | stop | status.")
final class ServiceCommand implements Callable<Integer>, AgentMain.NeedsHost {
  private Supplier<WindowsHost> host = NativeHost::currentOrNative;

  @Override
  public void host(Supplier<WindowsHost> host) {
    this.host = host;
  }

  enum Action {
    INSTALL,
    UNINSTALL,
    START,
    STOP,
    STATUS
  }

  @Parameters(
      index = "0",
      paramLabel = "<action>",
      description = "install, uninstall, start, stop, status")
  Action action;

  @Mixin ConfigOption config = new ConfigOption();

  @Override
  public Integer call() {
    AgentService service = new AgentService(host.get().serviceControl());
    try {
      String result =
          switch (action) {
            case INSTALL -> service.install(config.path());
            case UNINSTALL -> service.uninstall();
            case START -> service.start();
            case STOP -> service.stop();
            case STATUS -> service.status();
          };
      System.out.println(result);
      return 0;
    } catch (ShimException | RuntimeException e) {
      System.err.println(
          "service "
              + action.name().toLowerCase(java.util.Locale.ROOT)
              + " failed: "
              + e.getMessage());
      return 1;
    }
  }
}
