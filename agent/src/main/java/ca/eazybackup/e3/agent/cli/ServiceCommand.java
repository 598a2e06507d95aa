package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.config.ConfigSecrets;
import ca.eazybackup.e3.agent.runner.NativeHost;
import ca.eazybackup.e3.agent.service.AgentProcess;
import ca.eazybackup.e3.agent.service.AgentService;
import ca.eazybackup.e3.agent.service.AgentServiceProgram;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.WindowsHost;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The Windows service: {@code install} (optionally writing {@code agent.conf} from installer
 * values), {@code uninstall}, {@code start}, {@code stop}, {@code status}, {@code protect} (seal
 * the token of an existing config), and {@code run}, the entry the Service Control Manager
 * launches.
 */
@Command(
    name = "service",
    description =
        "Manage the Windows service: install | uninstall | start | stop | status | protect | run"
            + " (run is what the Service Control Manager starts).")
final class ServiceCommand implements Callable<Integer>, AgentMain.NeedsHost {
  static final int EXIT_NOT_A_SERVICE = 2;

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
    STATUS,
    PROTECT,
    RUN
  }

  @Parameters(
      index = "0",
      paramLabel = "<action>",
      description = "install, uninstall, start, stop, status, protect, run")
  Action action;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(
      names = "--api-url",
      description =
          "install: write agent.conf with this ApiBaseURL (with --agent-id, --agent-token)")
  URI apiUrl;

  @Option(names = "--agent-id", description = "install: AgentID for the written agent.conf")
  Long agentId;

  @Option(
      names = "--agent-token",
      description = "install: AgentToken for the written agent.conf (sealed with DPAPI)")
  String agentToken;

  @Option(
      names = "--purge",
      description = "uninstall: also delete agent.conf, the logs and the runs folder")
  boolean purge;

  @Override
  public Integer call() {
    WindowsHost windows = host.get();
    AgentService service = new AgentService(windows);
    try {
      if (action == Action.RUN) {
        return runAsService(windows);
      }
      String result =
          switch (action) {
            case INSTALL -> install(service, windows);
            case UNINSTALL -> service.uninstall(purge ? config.path() : null);
            case START -> service.start();
            case STOP -> service.stop();
            case STATUS -> service.status();
            case PROTECT -> ConfigSecrets.protect(config.path(), windows);
            case RUN -> throw new IllegalStateException("handled above");
          };
      System.out.println(result);
      return 0;
    } catch (ShimException | IOException | RuntimeException e) {
      System.err.println(
          "service " + action.name().toLowerCase(Locale.ROOT) + " failed: " + e.getMessage());
      return 1;
    }
  }

  private String install(AgentService service, WindowsHost windows)
      throws ShimException, IOException {
    if (apiUrl != null || agentId != null || agentToken != null) {
      if (apiUrl == null || agentId == null || agentToken == null || agentToken.isBlank()) {
        throw new IllegalArgumentException(
            "--api-url, --agent-id and --agent-token go together (the installer's ADDONURL,"
                + " AGENTID, AGENTTOKEN)");
      }
      ConfigSecrets.write(config.path(), apiUrl, agentId, agentToken, windows);
    } else if (java.nio.file.Files.exists(config.path())) {
      ConfigSecrets.protect(config.path(), windows);
    }
    return service.install(config.path());
  }

  /** What the SCM launches: connect to it and run the agent until it says stop. */
  private int runAsService(WindowsHost windows) throws ShimException {
    AgentServiceProgram program =
        new AgentServiceProgram(
            () -> {
              AgentProcess agent = AgentProcess.start(config.path(), windows);
              return agent::stop;
            });
    try {
      windows.serviceDispatcher().run(AgentService.NAME, program);
      return 0;
    } catch (ShimException e) {
      if (e.error() == Win32Error.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
        System.err.println(
            "service run is started by the Windows Service Control Manager; to run the agent in"
                + " this console use: e3-backup-agent run --config "
                + config.path());
        return EXIT_NOT_A_SERVICE;
      }
      throw e;
    }
  }
}
