package ca.eazybackup.e3.agent.config;

import ca.eazybackup.e3.shims.DataProtection;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.WindowsHost;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The agent token at rest. On Windows {@code AgentToken=dpapi:<base64>} holds the token sealed by
 * DPAPI in machine scope (any process of this machine, the service included, can read it; a copy of
 * the file on another machine cannot), and the file's ACL admits only SYSTEM and Administrators.
 * Elsewhere the file is mode 0600. A plain token still loads, and {@code doctor} reports it.
 */
public final class ConfigSecrets {
  public static final String DPAPI_PREFIX = "dpapi:";
  private static final String TOKEN_KEY = "AgentToken";

  private ConfigSecrets() {}

  /** The token as the agent sends it: unprotected when it is a DPAPI blob. */
  static String reveal(Path file, String raw, DataProtection dpapi) throws ConfigException {
    if (!isProtected(raw)) {
      return raw;
    }
    if (dpapi == null) {
      throw new ConfigException(
          file + ": AgentToken is protected with DPAPI; only the agent on this machine reads it");
    }
    try {
      byte[] blob = Base64.getDecoder().decode(raw.substring(DPAPI_PREFIX.length()).strip());
      return new String(dpapi.unprotect(blob), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | ShimException e) {
      throw new ConfigException(
          file
              + ": AgentToken cannot be unprotected on this machine ("
              + e.getMessage()
              + "); write the token again: e3-backup-agent service install --agent-token …");
    }
  }

  public static boolean isProtected(String raw) {
    return raw != null && raw.regionMatches(true, 0, DPAPI_PREFIX, 0, DPAPI_PREFIX.length());
  }

  /** The AgentToken value as written in the file (maybe a DPAPI blob), if the file has one. */
  public static Optional<String> rawToken(Path file) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.strip();
      int eq = l.indexOf('=');
      if (eq > 0 && l.substring(0, eq).strip().equals(TOKEN_KEY)) {
        return Optional.of(l.substring(eq + 1).strip());
      }
    }
    return Optional.empty();
  }

  /**
   * Writes a new {@code agent.conf} from installer values (the MSI's ADDONURL, AGENTID and
   * AGENTTOKEN), with the token protected and the file restricted; other keys keep their defaults.
   */
  public static void write(Path file, URI apiBaseUrl, long agentId, String token, WindowsHost host)
      throws IOException, ShimException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# e3 backup agent; written by the installer. AgentToken is sealed for this machine.");
    lines.add("ApiBaseURL=" + apiBaseUrl);
    lines.add("AgentID=" + agentId);
    lines.add(TOKEN_KEY + "=" + sealed(token, host));
    replace(file, lines, host);
  }

  /**
   * Protects the token of an existing file in place (other lines untouched) and restricts the file.
   * Returns what was done, for the command's output.
   */
  public static String protect(Path file, WindowsHost host) throws IOException, ShimException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    boolean changed = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      int eq = l.indexOf('=');
      if (eq > 0 && l.substring(0, eq).strip().equals(TOKEN_KEY)) {
        String value = l.substring(eq + 1).strip();
        if (!isProtected(value) && !value.isEmpty()) {
          String sealedValue = sealed(unquote(value), host);
          changed = !sealedValue.equals(value);
          lines.set(i, TOKEN_KEY + "=" + sealedValue);
        }
      }
    }
    replace(file, lines, host);
    return changed
        ? file + ": AgentToken sealed with DPAPI (machine scope); file restricted to administrators"
        : file + ": file restricted to administrators";
  }

  /** {@code dpapi:<base64>} where the host has DPAPI; the plain token elsewhere (mode 0600). */
  private static String sealed(String token, WindowsHost host) throws ShimException {
    try {
      byte[] blob = host.dataProtection().protect(token.getBytes(StandardCharsets.UTF_8));
      return DPAPI_PREFIX + Base64.getEncoder().encodeToString(blob);
    } catch (ShimException e) {
      if (e.errorCode() == ca.eazybackup.e3.shims.Win32Error.ERROR_CALL_NOT_IMPLEMENTED.code()) {
        return token;
      }
      throw e;
    }
  }

  /** Writes beside, restricts, then moves over: the secret is never readable by others. */
  private static void replace(Path file, List<String> lines, WindowsHost host)
      throws IOException, ShimException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".agent", ".conf.tmp");
    try {
      host.fileProtection().restrictToAdministrators(tmp);
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    host.fileProtection().restrictToAdministrators(file);
  }

  private static String unquote(String v) {
    if (v.length() >= 2
        && ((v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }
}
