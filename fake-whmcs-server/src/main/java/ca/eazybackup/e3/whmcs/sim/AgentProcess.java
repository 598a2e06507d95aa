package ca.eazybackup.e3.whmcs.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real agent running as its own OS process from the agent's shaded jar, as in production: the
 * simulation and the scenarios talk to it only through the fake addon and S3.
 */
public final class AgentProcess implements AutoCloseable {
  private final Path agentJar;
  private final Path home;
  private final Map<String, String> config;
  private final Map<String, String> environment;
  private Process process;
  private int starts;

  /**
   * @param home folder for this agent's config, runs, cache and logs
   * @param config agent.conf keys (ApiBaseURL, AgentID, AgentToken, PollIntervalSecs, …)
   * @param environment extra environment (e.g. the simulated Windows host's settings)
   */
  public AgentProcess(
      Path agentJar, Path home, Map<String, String> config, Map<String, String> environment) {
    if (!Files.isRegularFile(agentJar)) {
      throw new IllegalStateException(
          "agent jar not found at " + agentJar + ": build it with ./mvnw -pl agent -am package");
    }
    this.agentJar = agentJar;
    this.home = home;
    this.config = new LinkedHashMap<>(config);
    this.environment = Map.copyOf(environment);
  }

  public Path configFile() {
    return home.resolve("agent.conf");
  }

  public Path home() {
    return home;
  }

  /** The agent's stdout/stderr of its latest start. */
  public Path consoleLog() {
    return home.resolve("console-" + starts + ".log");
  }

  /** All console logs of every start, in order. */
  public List<Path> consoleLogs() {
    List<Path> logs = new ArrayList<>();
    for (int i = 1; i <= starts; i++) {
      logs.add(home.resolve("console-" + i + ".log"));
    }
    return logs;
  }

  public synchronized AgentProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("agent already running (pid " + process.pid() + ")");
    }
    try {
      Files.createDirectories(home);
      config.putIfAbsent("RunsDir", home.resolve("runs").toString());
      config.putIfAbsent("KopiaCacheDir", home.resolve("cache").toString());
      config.putIfAbsent("LogDir", home.resolve("logs").toString());
      StringBuilder conf = new StringBuilder("# written by the e3 simulation\n");
      config.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
      Files.writeString(configFile(), conf.toString(), StandardCharsets.UTF_8);
      starts++;
      List<String> cmd = new ArrayList<>();
      cmd.add(javaFor(agentJar).toString());
      cmd.addAll(agentJvmOptions(agentJar));
      cmd.addAll(classDataSharing(agentJar));
      cmd.add("-jar");
      cmd.add(agentJar.toString());
      cmd.add("run");
      cmd.add("--config");
      cmd.add(configFile().toString());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.redirectOutput(consoleLog().toFile());
      pb.environment().putAll(environment);
      process = pb.start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the agent process", e);
    }
  }

  /**
   * The packaged agent's own runtime ({@code <dir>/runtime/bin/java} beside {@code
   * <dir>/app/<jar>}, as the service registration picks it), else this JVM's java.
   */
  static Path javaFor(Path agentJar) {
    Path app = agentJar.toAbsolutePath().getParent();
    if (app != null && app.getParent() != null) {
      Path bundled = app.getParent().resolve("runtime").resolve("bin").resolve("java");
      if (Files.isRegularFile(bundled)) {
        return bundled;
      }
    }
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** The class-data sharing archive beside a packaged jar, mapped as the service maps it. */
  static List<String> classDataSharing(Path agentJar) {
    Path archive = agentJar.toAbsolutePath().resolveSibling("e3-backup-agent.jsa");
    return Files.isRegularFile(archive)
        ? List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto")
        : List.of();
  }

  /**
   * The JVM options the agent ships with (its jar's jvm-options.txt, as the service registration
   * and the packaged runtime use them), so the simulation's agent has the user's memory profile.
   */
  static List<String> agentJvmOptions(Path agentJar) throws IOException {
    if (!Files.isRegularFile(agentJar)) {
      return List.of("-Xmx512m");
    }
    try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(agentJar)) {
      Path file = jar.getPath("ca/eazybackup/e3/agent/service/jvm-options.txt");
      if (!Files.exists(file)) {
        return List.of("-Xmx512m"); // an agent jar from before the options file
      }
      List<String> options = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          options.add(line.strip());
        }
      }
      return options;
    }
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Like {@code kill -9}: no shutdown hooks, no goodbye to the addon. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
    }
  }

  /** Like a service stop / SIGTERM: the agent may report its run's state before it exits. */
  public synchronized void stop(Duration grace) {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!waitFor(grace)) {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
      }
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Everything the agent printed across its starts (for diagnostics and secret greps). */
  public String console() {
    StringBuilder all = new StringBuilder();
    for (Path log : consoleLogs()) {
      try {
        if (Files.exists(log)) {
          all.append(Files.readString(log, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        all.append("<unreadable ").append(log).append(">\n");
      }
    }
    return all.toString();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(15));
  }
}
