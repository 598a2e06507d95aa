package ca.eazybackup.e3.agent.config;

import ca.eazybackup.e3.shims.DataProtection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code agent.conf}: {@code Key=Value} lines, {@code #} comments, blank lines ignored. Keys
 * are the Go agent's ({@code ApiBaseURL}, {@code AgentID}, {@code AgentToken}, {@code
 * PollIntervalSecs}, {@code RunsDir}, {@code KopiaCacheDir}, {@code LogDir}, {@code Hostname}) plus
 * {@code HeartbeatIntervalSecs}. Unknown keys become warnings, so a newer config still starts an
 * older agent.
 */
public final class AgentConfigFile {
  private static final Set<String> KNOWN_KEYS =
      Set.of(
          "ApiBaseURL",
          "AgentID",
          "AgentToken",
          "PollIntervalSecs",
          "HeartbeatIntervalSecs",
          "RunsDir",
          "KopiaCacheDir",
          "LogDir",
          "Hostname");

  private AgentConfigFile() {}

  /** The seed's location: {@code %PROGRAMDATA%\E3Backup\agent.conf}, XDG style elsewhere. */
  public static Path defaultPath() {
    return defaultDataDir(System.getenv()).resolve("agent.conf");
  }

  static Path defaultDataDir(Map<String, String> env) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      String programData = env.getOrDefault("PROGRAMDATA", "C:\\ProgramData");
      return Path.of(programData, "E3Backup");
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("e3backup");
  }

  /** Reads {@code file}; a DPAPI-protected AgentToken is an error (see the overload). */
  public static AgentConfig load(Path file) throws ConfigException {
    return load(file, null);
  }

  /**
   * Reads {@code file}; an {@code AgentToken=dpapi:…} value is unprotected with {@code dpapi}
   * ({@link ConfigSecrets}).
   */
  public static AgentConfig load(Path file, DataProtection dpapi) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "config file " + file + " does not exist: create it or pass --config <file>");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(file, text, dpapi);
  }

  static AgentConfig parse(Path file, String text) throws ConfigException {
    return parse(file, text, null);
  }

  static AgentConfig parse(Path file, String text, DataProtection dpapi) throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1).strip();
      }
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            file + " line " + (i + 1) + ": expected Key=Value, found '" + safe(line) + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = unquote(line.substring(eq + 1).strip());
      if (!KNOWN_KEYS.contains(key)) {
        warnings.add(file + " line " + (i + 1) + ": unknown key '" + key + "' ignored");
        continue;
      }
      values.put(key, value);
    }

    URI api = apiBaseUrl(file, required(file, values, "ApiBaseURL"));
    long agentId = positiveLong(file, "AgentID", required(file, values, "AgentID"));
    String token = ConfigSecrets.reveal(file, required(file, values, "AgentToken"), dpapi);
    Duration poll = seconds(file, values, "PollIntervalSecs", AgentConfig.DEFAULT_POLL_INTERVAL);
    Duration heartbeat =
        seconds(file, values, "HeartbeatIntervalSecs", AgentConfig.DEFAULT_HEARTBEAT_INTERVAL);
    Path base = file.toAbsolutePath().getParent();
    Path runsDir = path(file, values, "RunsDir", base.resolve("runs"));
    Path kopiaCache = path(file, values, "KopiaCacheDir", runsDir.resolve("kopia"));
    Path logDir = path(file, values, "LogDir", base.resolve("logs"));
    String hostname = values.getOrDefault("Hostname", "");
    if (hostname.isBlank()) {
      hostname = localHostname();
    }
    return new AgentConfig(
        file,
        api,
        agentId,
        token,
        poll,
        heartbeat,
        runsDir,
        kopiaCache,
        logDir,
        hostname,
        warnings);
  }

  private static String required(Path file, Map<String, String> values, String key)
      throws ConfigException {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(file + ": " + key + " is missing; add a line '" + key + "=...'");
    }
    return value;
  }

  private static URI apiBaseUrl(Path file, String raw) throws ConfigException {
    String value = raw;
    // Tolerate a URL that names an endpoint file: keep everything before it.
    if (value.endsWith(".php")) {
      value = value.substring(0, value.lastIndexOf('/') + 1);
    }
    if (!value.endsWith("/")) {
      value = value + "/";
    }
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new ConfigException(
            file
                + ": ApiBaseURL '"
                + raw
                + "' must be an http(s) URL such as"
                + " https://example.com/modules/addons/cloudstorage/api/");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(
          file + ": ApiBaseURL '" + raw + "' is not a valid URL: " + e.getReason());
    }
  }

  private static long positiveLong(Path file, String key, String raw) throws ConfigException {
    try {
      long v = Long.parseLong(raw);
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(
          file + ": " + key + " must be a positive whole number, found '" + raw + "'");
    }
  }

  private static Duration seconds(
      Path file, Map<String, String> values, String key, Duration fallback) throws ConfigException {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      double secs = Double.parseDouble(raw);
      if (!(secs > 0) || secs > 86_400) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(Math.max(1, Math.round(secs * 1000)));
    } catch (NumberFormatException e) {
      throw new ConfigException(
          file
              + ": "
              + key
              + " must be a number of seconds between 0 and 86400, found '"
              + raw
              + "'");
    }
  }

  private static Path path(Path file, Map<String, String> values, String key, Path fallback)
      throws ConfigException {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      Path p = Path.of(raw);
      return p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p);
    } catch (RuntimeException e) {
      throw new ConfigException(file + ": " + key + " '" + raw + "' is not a valid path");
    }
  }

  private static String unquote(String v) {
    if (v.length() >= 2
        && ((v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  /** A malformed line may hold a token: show only its start. */
  private static String safe(String line) {
    return line.length() <= 12 ? line : line.substring(0, 12) + "…";
  }

  private static String localHostname() {
    String env = System.getenv("COMPUTERNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
