package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.runner.NativeHost;
import ca.eazybackup.e3.shims.WindowsHost;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Checks config, addon, S3, elevation and WebClient; non-zero exit when something fails. */
@Command(
    name = "doctor",
    description = "Check config, addon, S3, elevation and the WebClient service.")
final class DoctorCommand implements Callable<Integer>, AgentMain.NeedsHost {
  private Supplier<WindowsHost> host = NativeHost::currentOrNative;

  @Override
  public void host(Supplier<WindowsHost> host) {
    this.host = host;
  }

  @Mixin ConfigOption config = new ConfigOption();

  @Override
  public Integer call() {
    return new Doctor(System.out, host.get()).check(config.path());
  }
}
