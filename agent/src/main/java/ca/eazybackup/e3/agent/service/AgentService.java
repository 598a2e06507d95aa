package ca.eazybackup.e3.agent.service;

import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ShimException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent as a Windows service: the SCM starts {@code java -jar e3-backup-agent.jar run --config
 * <file>}; a service stop reaches the process as a console control/termination signal, which the
 * {@code run} command turns into a graceful stop (the running run is reported cancelled, queued
 * reports are flushed). Off Windows the simulated host records what would happen.
 */
public final class AgentService {
  public static final String NAME = "E3BackupAgent";
  public static final String DISPLAY_NAME = "e3 Backup Agent";

  private final ServiceControl scm;

  public AgentService(ServiceControl scm) {
    this.scm = scm;
  }

  public String install(Path configFile) throws ShimException {
    List<String> cmd = commandLine(configFile);
    scm.install(NAME, DISPLAY_NAME, cmd);
    return "installed service " + NAME + ": " + String.join(" ", cmd);
  }

  public String uninstall() throws ShimException {
    scm.uninstall(NAME);
    return "uninstalled service " + NAME;
  }

  public String start() throws ShimException {
    scm.start(NAME);
    return "started service " + NAME;
  }

  public String stop() throws ShimException {
    scm.stop(NAME);
    return "stopped service " + NAME;
  }

  public String status() throws ShimException {
    return "service " + NAME + ": " + scm.state(NAME);
  }

  /** The command line the service runs: this very binary, in foreground mode. */
  static List<String> commandLine(Path configFile) {
    List<String> cmd = new ArrayList<>();
    Path java = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
    cmd.add(java.toString());
    Path jar = ownJar();
    if (jar != null && jar.toString().endsWith(".jar")) {
      cmd.add("-jar");
      cmd.add(jar.toString());
    } else {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("ca.eazybackup.e3.agent.cli.AgentMain");
    }
    cmd.add("run");
    cmd.add("--config");
    cmd.add(configFile.toAbsolutePath().toString());
    return cmd;
  }

  private static Path ownJar() {
    try {
      var source = AgentService.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "")
        .toLowerCase(java.util.Locale.ROOT)
        .startsWith("windows");
  }
}
