package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.logging.LoggingSetup;
import ca.eazybackup.e3.agent.runner.NativeHost;
import ca.eazybackup.e3.shims.WindowsHost;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code e3-backup-agent}: one binary for foreground runs, the service, and diagnostics. */
@Command(
    name = "e3-backup-agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "The e3 backup agent: runs the backups, restores and commands of the addon.",
    subcommands = {
      RunCommand.class,
      ServiceCommand.class,
      VersionCommand.class,
      DoctorCommand.class,
      NasCommand.class,
      SnapshotCommand.class,
      TrayCommand.class,
      RepoCommand.class,
      CdsTrainingCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AgentMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    LoggingSetup.toConsole();
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code. */
  public static int execute(String... args) {
    return execute(NativeHost::currentOrNative, args);
  }

  /** Runs the CLI on the given Windows host (tests pass a simulated one). */
  static int execute(Supplier<WindowsHost> host, String... args) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            K made = defaults.create(cls);
            if (made instanceof NeedsHost n) {
              n.host(host);
            }
            return made;
          }
        };
    return new CommandLine(new AgentMain(), factory)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }

  /** Subcommands that talk to Windows. */
  interface NeedsHost {
    void host(Supplier<WindowsHost> host);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
