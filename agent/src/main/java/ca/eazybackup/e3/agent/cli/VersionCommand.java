package ca.eazybackup.e3.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** Prints the agent's version. */
@Command(name = "version", description = "Print the agent version.")
final class VersionCommand implements Callable<Integer> {

  static String version() {
    String v = AgentMain.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  @Override
  public Integer call() {
    System.out.println(
        "e3-backup-agent "
            + version()
            + " (Java "
            + Runtime.version()
            + ", "
            + System.getProperty("os.name")
            + ")");
    return 0;
  }

  /** For {@code --version}. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"e3-backup-agent " + version()};
    }
  }
}
