package ca.eazybackup.e3.agent.logging;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text bound for a log. Two nets: the values the agent knows to be secret (its
 * token, the keys and passwords of the jobs it ran, registered as they arrive), and anything that
 * looks like a secret by its name ({@code password=…}, {@code "secret_key":"…"}, {@code
 * X-Agent-Token: …}), so a secret logged by mistake still never reaches a file.
 */
public final class Redactor {
  static final String MASK = "***";
  private static final int MIN_SECRET_LENGTH = 4;
  private static final Redactor GLOBAL = new Redactor();

  private static final String NAMES =
      "(?:[A-Za-z0-9_\\-]*(?:password|passwd|pwd|secret|token|access[_-]?key|secret[_-]?key"
          + "|api[_-]?key|credential|authorization))";

  /** {@code "name": "value"} in JSON. */
  private static final Pattern JSON_PAIR =
      Pattern.compile(
          "(\"" + NAMES + "\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)(\")", Pattern.CASE_INSENSITIVE);

  /** {@code name=value}, {@code name: value} in free text and headers. */
  private static final Pattern TEXT_PAIR =
      Pattern.compile(
          "(\\b" + NAMES + "\\s*[=:]\\s*)(?!\\*\\*\\*)([^\\s,;&\"'}\\]]+)",
          Pattern.CASE_INSENSITIVE);

  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /** The process-wide redactor the log converter uses. */
  public static Redactor global() {
    return GLOBAL;
  }

  /** Masks {@code secret} wherever it appears from now on. Nulls and very short values ignored. */
  public void register(String secret) {
    if (secret != null && secret.strip().length() >= MIN_SECRET_LENGTH) {
      secrets.add(secret.strip());
    }
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    // Longest first, so a secret that contains another is masked whole.
    List<String> known = secrets.stream().sorted((a, b) -> b.length() - a.length()).toList();
    for (String s : known) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    out = replace(JSON_PAIR, out, "$1" + MASK + "$3");
    out = replace(TEXT_PAIR, out, "$1" + MASK);
    return out;
  }

  private static String replace(Pattern p, String text, String replacement) {
    Matcher m = p.matcher(text);
    return m.find() ? m.replaceAll(replacement) : text;
  }
}
