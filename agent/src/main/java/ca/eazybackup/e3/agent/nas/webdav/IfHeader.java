package ca.eazybackup.e3.agent.nas.webdav;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4918 §10.4's {@code If} header, parsed: lists of conditions, each list optionally tagged with
 * the resource it applies to. The header holds when any one list holds; a list holds when all its
 * conditions do. A lock token "is submitted" when it appears in the header (not negated).
 */
final class IfHeader {
  /** One condition: a state token or an entity tag, maybe negated. */
  record Condition(boolean not, String token, String etag) {}

  /** One parenthesised list and the resource it is tagged with ({@code null}: the request URI). */
  record Clause(String tag, List<Condition> conditions) {}

  private final List<Clause> clauses;

  private IfHeader(List<Clause> clauses) {
    this.clauses = clauses;
  }

  List<Clause> clauses() {
    return clauses;
  }

  /** Tokens named without {@code Not}. */
  List<String> submittedTokens() {
    List<String> out = new ArrayList<>();
    for (Clause c : clauses) {
      for (Condition k : c.conditions()) {
        if (k.token() != null && !k.not()) {
          out.add(k.token());
        }
      }
    }
    return out;
  }

  /** Thrown for a header that does not parse; answered 400. */
  static final class BadIfHeaderException extends Exception {
    private static final long serialVersionUID = 1L;

    BadIfHeaderException(String message) {
      super(message);
    }
  }

  static IfHeader parse(String header) throws BadIfHeaderException {
    List<Clause> clauses = new ArrayList<>();
    String tag = null;
    boolean tagged = false;
    int i = 0;
    int n = header.length();
    while (true) {
      i = skipSpace(header, i);
      if (i >= n) {
        break;
      }
      char c = header.charAt(i);
      if (c == '<') {
        if (!clauses.isEmpty() && !tagged) {
          throw new BadIfHeaderException("If header mixes tagged and untagged lists");
        }
        int end = header.indexOf('>', i);
        if (end < 0) {
          throw new BadIfHeaderException("unterminated resource tag");
        }
        tag = header.substring(i + 1, end);
        tagged = true;
        i = end + 1;
        i = skipSpace(header, i);
        if (i >= n || header.charAt(i) != '(') {
          throw new BadIfHeaderException("a resource tag must be followed by a list");
        }
      } else if (c == '(') {
        if (tagged && tag == null) {
          throw new BadIfHeaderException("list without resource tag");
        }
        List<Condition> conds = new ArrayList<>();
        i++;
        while (true) {
          i = skipSpace(header, i);
          if (i >= n) {
            throw new BadIfHeaderException("unterminated list");
          }
          if (header.charAt(i) == ')') {
            i++;
            break;
          }
          boolean not = false;
          if (header.startsWith("Not", i)) {
            not = true;
            i = skipSpace(header, i + 3);
          }
          if (i >= n) {
            throw new BadIfHeaderException("unterminated list");
          }
          char k = header.charAt(i);
          if (k == '<') {
            int end = header.indexOf('>', i);
            if (end < 0) {
              throw new BadIfHeaderException("unterminated state token");
            }
            conds.add(new Condition(not, header.substring(i + 1, end), null));
            i = end + 1;
          } else if (k == '[') {
            int end = header.indexOf(']', i);
            if (end < 0) {
              throw new BadIfHeaderException("unterminated entity tag");
            }
            conds.add(new Condition(not, null, header.substring(i + 1, end).strip()));
            i = end + 1;
          } else {
            throw new BadIfHeaderException("unexpected '" + k + "' in If header");
          }
        }
        if (conds.isEmpty()) {
          throw new BadIfHeaderException("empty list in If header");
        }
        clauses.add(new Clause(tag, List.copyOf(conds)));
      } else {
        throw new BadIfHeaderException("unexpected '" + c + "' in If header");
      }
    }
    if (clauses.isEmpty()) {
      throw new BadIfHeaderException("empty If header");
    }
    return new IfHeader(List.copyOf(clauses));
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** Compares entity tags strongly, ignoring a weak marker (as If's etag comparison does). */
  static boolean etagMatches(String conditionEtag, String currentEtag) {
    if (currentEtag == null) {
      return false;
    }
    return strip(conditionEtag).equals(strip(currentEtag));
  }

  private static String strip(String etag) {
    String e = etag.strip();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    return e;
  }
}
