package ca.eazybackup.e3.agent.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback for the CLI: console first ({@code e3-agent-console.xml}; the jar ships no
 * {@code logback.xml}, so it never fights the logging setup of a program that embeds it), then the
 * agent's files (and the console) once {@code agent.conf} says where they go: {@code
 * LogDir/agent.log} (rolled daily and at 10 MB, 14 days kept) and one {@code RunsDir/run_<id>.log}
 * per run.
 */
public final class LoggingSetup {
  private LoggingSetup() {}

  /** Console only, secrets masked: what the CLI uses until it knows the log folders. */
  public static void toConsole() {
    apply("/e3-agent-console.xml", null, null);
  }

  public static void toFiles(Path logDir, Path runsDir) {
    try {
      Files.createDirectories(logDir);
      Files.createDirectories(runsDir);
    } catch (IOException e) {
      System.err.println("cannot create log folders " + logDir + ", " + runsDir + ": " + e);
      return;
    }
    apply("/e3-agent-logback.xml", logDir, runsDir);
  }

  private static void apply(String resource, Path logDir, Path runsDir) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    try (InputStream xml = LoggingSetup.class.getResourceAsStream(resource)) {
      if (xml == null) {
        System.err.println(resource + " missing from the agent jar; logging unchanged");
        return;
      }
      context.reset();
      context.getStatusManager().clear();
      if (logDir != null) {
        context.putProperty("E3_LOG_DIR", logDir.toAbsolutePath().toString());
        context.putProperty("E3_RUNS_DIR", runsDir.toAbsolutePath().toString());
      }
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(xml);
      // Logback reports configuration problems only in its status list: show them.
      context.getStatusManager().getCopyOfStatusList().stream()
          .filter(st -> st.getLevel() >= Status.WARN)
          .forEach(st -> System.err.println("logging: " + st.getMessage()));
    } catch (IOException | JoranException e) {
      System.err.println("cannot configure file logging: " + e);
    }
  }
}
