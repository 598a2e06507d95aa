package ca.eazybackup.e3.agent.service;

import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.WindowsHost;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The agent as a Windows service. The SCM launches {@code <runtime>\bin\java.exe -Xrs -jar
 * e3-backup-agent.jar service run --config <file>}: the bundled runtime next to the jar when there
 * is one (the installed layout {@code <dir>\app\e3-backup-agent.jar}, {@code <dir>\runtime}), else
 * the runtime running this command - never whatever {@code java} is first on PATH. {@code service
 * run} connects to the SCM ({@link AgentServiceProgram}); {@code -Xrs} keeps the JVM from treating
 * a user's logoff as a reason to shut down (java's -Xrs docs: a JVM running as a service receives
 * CTRL_LOGOFF_EVENT but must not exit on it).
 */
public final class AgentService {
  public static final String NAME = "E3BackupAgent";
  public static final String DISPLAY_NAME = "e3 Backup Agent";

  /**
   * What the SCM gives the service at system shutdown after PRESHUTDOWN: enough for the runtime's
   * stop (the engine's cancel grace, 4 s, then up to 15 s for the run's report to reach the addon)
   * with room to spare. Windows' default of 10 s would cut the report off when the addon is slow.
   */
  /** Where Windows starts programs in every user's session at logon: the tray helper. */
  public static final String RUN_KEY = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run";

  public static final String TRAY_VALUE = "E3BackupTray";

  public static final Duration PRESHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private final WindowsHost host;
  private final ServiceControl scm;

  public AgentService(WindowsHost host) {
    this.host = host;
    this.scm = host.serviceControl();
  }

  public String install(Path configFile) throws ShimException {
    Path jar = ownJar();
    Path javaHome = Path.of(System.getProperty("java.home"));
    // before the command line is made: it names the archive only when there is one
    String cds =
        jar != null && jar.toString().endsWith(".jar")
            ? ClassDataArchive.dump(javaOf(jar, javaHome), jar)
            : null;
    List<String> cmd = commandLine(configFile, jar, javaHome);
    scm.install(NAME, DISPLAY_NAME, cmd);
    scm.setPreshutdownTimeout(NAME, PRESHUTDOWN_TIMEOUT);
    String result = "installed service " + NAME + ": " + String.join(" ", cmd);
    if (cds != null) {
      result += "\n" + cds;
    }
    host.registry().setString(RUN_KEY, TRAY_VALUE, quoted(trayCommandLine(cmd)));
    try {
      host.eventLog(NAME).registerSource();
    } catch (ShimException e) {
      // Events are still written; Event Viewer only lacks the message file to show them nicely.
      result += " (event log source not registered: " + e.getMessage() + ")";
    }
    return result;
  }

  /**
   * Stops the service if it runs, removes it, and with {@code purgeConfig} also deletes that
   * config, its logs and runs folders (the installer's uninstall: nothing of the agent is left).
   */
  public String uninstall(Path purgeConfig) throws ShimException, IOException {
    ServiceState state = scm.state(NAME);
    if (state == ServiceState.RUNNING) {
      scm.stop(NAME);
    }
    if (state != ServiceState.NOT_INSTALLED) {
      scm.uninstall(NAME);
    }
    host.eventLog(NAME).unregisterSource();
    host.registry().deleteValue(RUN_KEY, TRAY_VALUE);
    String result =
        state == ServiceState.NOT_INSTALLED
            ? "service " + NAME + " was not installed"
            : "uninstalled service " + NAME;
    if (purgeConfig != null) {
      Path dir = purgeConfig.toAbsolutePath().getParent();
      for (Path p : List.of(purgeConfig, dir.resolve("runs"), dir.resolve("logs"))) {
        deleteTree(p);
      }
      result += "; removed " + purgeConfig + " and its runs and logs";
      // the archive install dumped is no file of the MSI's: it would be left behind
      Path jar = ownJar();
      if (jar != null && jar.toString().endsWith(".jar")) {
        Files.deleteIfExists(ClassDataArchive.archiveOf(jar));
      }
    }
    return result;
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

  WindowsHost host() {
    return host;
  }

  /**
   * The registered command line: {@code java -Xrs <JvmOptions> [<ClassDataArchive>] -jar <jar>
   * service run --config <file>}, with the bundled runtime's java when {@code jar} sits in an
   * installed layout.
   */
  static List<String> commandLine(Path configFile, Path jar, Path javaHome) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaOf(jar, javaHome).toString());
    cmd.add("-Xrs");
    cmd.addAll(JvmOptions.agent());
    cmd.addAll(ClassDataArchive.options(jar));
    if (jar != null && jar.toString().endsWith(".jar")) {
      cmd.add("-jar");
      cmd.add(jar.toString());
    } else {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("ca.eazybackup.e3.agent.cli.AgentMain");
    }
    cmd.add("service");
    cmd.add("run");
    cmd.add("--config");
    cmd.add(configFile.toAbsolutePath().toString());
    return cmd;
  }

  /**
   * The tray helper's command line from the service's: the same runtime and jar, {@code javaw} (no
   * console window) where there is one, {@code tray} instead of {@code service run}.
   */
  static List<String> trayCommandLine(List<String> serviceCommandLine) {
    List<String> cmd = new ArrayList<>(serviceCommandLine);
    Path java = Path.of(cmd.get(0));
    Path javaw = java.resolveSibling("javaw.exe");
    if (java.getFileName().toString().equals("java.exe") && Files.isRegularFile(javaw)) {
      cmd.set(0, javaw.toString());
    }
    cmd.remove("-Xrs");
    int run = cmd.indexOf("service");
    cmd.remove(run + 1);
    cmd.set(run, "tray");
    return cmd;
  }

  /** A command line as the Run key holds it: arguments with spaces in double quotes. */
  static String quoted(List<String> cmd) {
    StringBuilder s = new StringBuilder();
    for (String a : cmd) {
      if (s.length() > 0) {
        s.append(' ');
      }
      s.append(a.contains(" ") || a.isEmpty() ? '"' + a + '"' : a);
    }
    return s.toString();
  }

  /** {@code <dir>/runtime/bin/java[.exe]} for {@code <dir>/app/<jar>}, else this JVM's java. */
  static Path javaOf(Path jar, Path javaHome) {
    String exe = isWindows() ? "java.exe" : "java";
    if (jar != null && jar.getParent() != null && jar.getParent().getParent() != null) {
      Path bundled = jar.getParent().getParent().resolve("runtime").resolve("bin").resolve(exe);
      if (Files.isRegularFile(bundled)) {
        return bundled;
      }
    }
    return javaHome.resolve("bin").resolve(exe);
  }

  static Path ownJar() {
    try {
      var source = AgentService.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }
}
