package ca.eazybackup.e3.agent.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * The job's include/exclude globs ({@code local_include_glob}, {@code local_exclude_glob}). Each
 * field holds several patterns separated by newlines or by commas outside {@code {...}}.
 *
 * <p>A file is synced when no exclude rule covers it and, if any include rule is given, at least
 * one include rule covers it. Excludes win over includes. A directory is not even read when an
 * exclude covers all of it ({@code dir/}, {@code dir/**}). See {@link GlobRule} for the syntax.
 * Paths are relative to each source root and matched case-sensitively, as rclone does by default.
 */
final class PathFilter {
  static final PathFilter ALL = new PathFilter(List.of(), List.of());

  private final List<GlobRule> includes;
  private final List<GlobRule> excludes;

  PathFilter(List<GlobRule> includes, List<GlobRule> excludes) {
    this.includes = List.copyOf(includes);
    this.excludes = List.copyOf(excludes);
  }

  static PathFilter of(String includeGlobs, String excludeGlobs) {
    return new PathFilter(parse(includeGlobs), parse(excludeGlobs));
  }

  /** Splits on newlines and on commas at brace depth 0; blank entries are ignored. */
  static List<GlobRule> parse(String globs) {
    List<GlobRule> rules = new ArrayList<>();
    if (globs == null) {
      return rules;
    }
    StringBuilder current = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < globs.length(); i++) {
      char c = globs.charAt(i);
      if (c == '\\' && i + 1 < globs.length()) {
        current.append(c).append(globs.charAt(++i));
        continue;
      }
      if (c == '{') {
        depth++;
      } else if (c == '}' && depth > 0) {
        depth--;
      }
      if (c == '\n' || c == '\r' || (c == ',' && depth == 0)) {
        add(rules, current);
        continue;
      }
      current.append(c);
    }
    add(rules, current);
    return rules;
  }

  private static void add(List<GlobRule> rules, StringBuilder text) {
    if (!text.toString().isBlank()) {
      rules.add(GlobRule.compile(text.toString()));
    }
    text.setLength(0);
  }

  boolean includesFile(String relativePath) {
    for (GlobRule rule : excludes) {
      if (rule.matchesFile(relativePath)) {
        return false;
      }
    }
    if (includes.isEmpty()) {
      return true;
    }
    for (GlobRule rule : includes) {
      if (rule.matchesFile(relativePath)) {
        return true;
      }
    }
    return false;
  }

  /** False when an exclude covers the whole directory, so the walk need not read it. */
  boolean descendsInto(String relativeDir) {
    for (GlobRule rule : excludes) {
      if (rule.matchesWholeDirectory(relativeDir)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "PathFilter[include=" + includes + ", exclude=" + excludes + "]";
  }
}
