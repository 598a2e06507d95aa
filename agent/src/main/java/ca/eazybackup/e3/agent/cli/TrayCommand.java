package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.runner.NativeHost;
import ca.eazybackup.e3.agent.tray.TrayHelper;
import ca.eazybackup.e3.shims.WindowsHost;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The per-user tray helper (started at logon by the installer's Run key). */
@Command(
    name = "tray",
    description = "Show the agent service's status in this user's notification area.")
final class TrayCommand implements Callable<Integer>, AgentMain.NeedsHost {
  @Mixin ConfigOption config = new ConfigOption();

  private Supplier<WindowsHost> host = NativeHost::currentOrNative;

  /** The host whose user session the helper maps drives in (tests: a simulated one). */
  @Override
  public void host(Supplier<WindowsHost> host) {
    this.host = host;
  }

  @Option(names = "--once", description = "Print the status once and exit (1: no answer).")
  boolean once;

  @Option(names = "--every", description = "Seconds between status polls (default 5).")
  int every = 5;

  @Override
  public Integer call() throws Exception {
    TrayHelper helper =
        new TrayHelper(config.path().toAbsolutePath().getParent(), System.out, host.get());
    if (once) {
      return helper.printOnce() ? 0 : 1;
    }
    helper.showUntilExit(Duration.ofSeconds(Math.max(1, every)));
    return 0;
  }
}
