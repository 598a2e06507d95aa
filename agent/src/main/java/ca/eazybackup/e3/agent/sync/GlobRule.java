package ca.eazybackup.e3.agent.sync;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One rclone-style glob (https://rclone.org/filtering/), matched against a path relative to the
 * source root with {@code /} separators, e.g. {@code docs/2024/a.txt}.
 *
 * <ul>
 *   <li>{@code *} any run of characters except {@code /}; {@code **} any run including {@code /};
 *       {@code ?} one character except {@code /}; {@code [a-z]}, {@code [!a-z]} / {@code [^a-z]} a
 *       character class; {@code {a,b}} alternatives; {@code \} escapes the next character.
 *   <li>A leading {@code /} anchors the pattern at the source root; without it the pattern matches
 *       the end of the path at any directory boundary ({@code a.txt} matches {@code x/y/a.txt}).
 *   <li>A trailing {@code /} makes a directory rule: it matches directories only, and a file is
 *       covered by it when one of its parent directories matches.
 * </ul>
 */
final class GlobRule {
  private final String source;
  private final boolean directoryRule;
  private final Pattern pattern;

  /** For rules ending in {@code /**}: the directory part, so a whole subtree can be pruned. */
  private final Pattern subtreePattern;

  private GlobRule(String source, boolean directoryRule, Pattern pattern, Pattern subtreePattern) {
    this.source = source;
    this.directoryRule = directoryRule;
    this.pattern = pattern;
    this.subtreePattern = subtreePattern;
  }

  static GlobRule compile(String glob) {
    String text = glob.strip();
    if (text.isEmpty()) {
      throw new SyncException("empty filter pattern");
    }
    boolean anchored = text.startsWith("/");
    String body = anchored ? text.substring(1) : text;
    boolean dirRule = body.endsWith("/") && !body.endsWith("\\/");
    if (dirRule) {
      body = body.substring(0, body.length() - 1);
    }
    if (body.isEmpty()) {
      throw new SyncException("filter pattern '" + glob + "' matches nothing: give a name after /");
    }
    Pattern whole = toPattern(glob, anchored, body);
    Pattern subtree = null;
    if (!dirRule && body.endsWith("/**") && body.length() > 3) {
      subtree = toPattern(glob, anchored, body.substring(0, body.length() - 3));
    }
    return new GlobRule(glob, dirRule, whole, subtree);
  }

  private static Pattern toPattern(String glob, boolean anchored, String body) {
    String prefix = anchored ? "^" : "^(?:.*/)?";
    try {
      return Pattern.compile(prefix + globToRegex(glob, body) + "$", Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      throw new SyncException(
          "filter pattern '" + glob + "' is not a valid glob: " + e.getMessage());
    }
  }

  private static String globToRegex(String glob, String body) {
    StringBuilder re = new StringBuilder();
    int braceDepth = 0;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      switch (c) {
        case '\\' -> {
          if (i + 1 >= body.length()) {
            throw new SyncException("filter pattern '" + glob + "' ends with a lone \\");
          }
          re.append(Pattern.quote(String.valueOf(body.charAt(++i))));
        }
        case '*' -> {
          if (i + 1 < body.length() && body.charAt(i + 1) == '*') {
            i++;
            re.append(".*");
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int close = body.indexOf(']', i + 2);
          if (close < 0) {
            throw new SyncException("filter pattern '" + glob + "' has a [ without ]");
          }
          String cls = body.substring(i + 1, close);
          if (cls.startsWith("!")) {
            cls = "^" + cls.substring(1);
          }
          re.append('[').append(cls.replace("[", "\\[").replace("&&", "\\&\\&")).append(']');
          i = close;
        }
        case '{' -> {
          braceDepth++;
          re.append("(?:");
        }
        case '}' -> {
          if (braceDepth == 0) {
            throw new SyncException("filter pattern '" + glob + "' has a } without {");
          }
          braceDepth--;
          re.append(')');
        }
        case ',' -> re.append(braceDepth > 0 ? "|" : ",");
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    if (braceDepth != 0) {
      throw new SyncException("filter pattern '" + glob + "' has a { without }");
    }
    return re.toString();
  }

  /** Whether this rule covers the file at {@code path} (directory rules: through a parent). */
  boolean matchesFile(String path) {
    if (!directoryRule) {
      return pattern.matcher(path).matches();
    }
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      if (pattern.matcher(path.substring(0, slash)).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Whether this rule covers the directory at {@code path} and everything under it. */
  boolean matchesWholeDirectory(String path) {
    if (directoryRule) {
      return pattern.matcher(path).matches();
    }
    return subtreePattern != null && subtreePattern.matcher(path).matches();
  }

  @Override
  public String toString() {
    return source;
  }
}
