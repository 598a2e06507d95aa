package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.config.AgentConfigFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config <file>} (also the Go agent's {@code -config}); default per platform. */
final class ConfigOption {
  @Option(
      names = {"--config", "-config", "-c"},
      paramLabel = "<agent.conf>",
      description =
          "Config file (default: %%PROGRAMDATA%%\\E3Backup\\agent.conf on Windows,"
              + " $XDG_CONFIG_HOME/e3backup/agent.conf elsewhere).")
  Path file;

  Path path() {
    return file != null ? file : AgentConfigFile.defaultPath();
  }
}
