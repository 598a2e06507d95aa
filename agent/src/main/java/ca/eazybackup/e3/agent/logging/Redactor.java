package ca.eazybackup.e3.agent.logging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text bound for a log. Two nets: the values the agent knows to be secret (its
 * token, the keys and passwords of the jobs it ran, registered as they arrive), and anything that
 * looks like a secret by its name ({@code password=…}, {@code "secret_key":"…"}, {@code
 * X-Agent-Token: …}), so a secret logged by mistake still never reaches a file.
 *
 * <p>A job's keys and passwords are held only while a run or command of that job is under way
 * ({@link #scope}), so a long-lived agent does not keep every secret it ever saw in memory (nor
 * test each log line against all of them); the agent's own token is held for good ({@link
 * #register}). The longest-first list that {@link #redact} walks is rebuilt when the set changes,
 * not sorted again for every log line.
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

  /** Held for the process's life (the agent token). Guarded by {@code this}. */
  private final Set<String> permanent = new HashSet<>();

  /** Held while a scope holds them, counted (two runs of one job share a key). Guarded by this. */
  private final Map<String, Integer> scoped = new HashMap<>();

  /** Every secret held now, longest first, so a secret containing another is masked whole. */
  private volatile String[] longestFirst = new String[0];

  /** The process-wide redactor the log converter uses. */
  public static Redactor global() {
    return GLOBAL;
  }

  /**
   * Masks {@code secret} wherever it appears for the rest of the process's life (the agent's token,
   * a mounted drive's key). Nulls and very short values ignored.
   */
  public synchronized void register(String secret) {
    String s = usable(secret);
    if (s != null && permanent.add(s)) {
      rebuild();
    }
  }

  /**
   * Masks {@code secrets} until the returned scope is closed: a run's or command's keys and
   * passwords, let go of when it ends. Nulls and very short values ignored.
   */
  public Scope scope(String... secrets) {
    List<String> held = new ArrayList<>();
    synchronized (this) {
      for (String secret : secrets) {
        String s = usable(secret);
        if (s != null) {
          scoped.merge(s, 1, Integer::sum);
          held.add(s);
        }
      }
      if (!held.isEmpty()) {
        rebuild();
      }
    }
    return new Scope(held);
  }

  /** Secrets of one run or command; {@link #close} lets go of them (once, from any thread). */
  public final class Scope implements AutoCloseable {
    private final List<String> held;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Scope(List<String> held) {
      this.held = held;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true) && !held.isEmpty()) {
        release(held);
      }
    }
  }

  private synchronized void release(List<String> held) {
    for (String s : held) {
      scoped.computeIfPresent(s, (k, n) -> n == 1 ? null : n - 1);
    }
    rebuild();
  }

  /** How many secrets are held now (tests). */
  int heldCount() {
    return longestFirst.length;
  }

  private static String usable(String secret) {
    if (secret == null) {
      return null;
    }
    String s = secret.strip();
    return s.length() >= MIN_SECRET_LENGTH ? s : null;
  }

  private void rebuild() {
    Set<String> all = new HashSet<>(permanent);
    all.addAll(scoped.keySet());
    longestFirst =
        all.stream()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toArray(String[]::new);
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : longestFirst) {
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
