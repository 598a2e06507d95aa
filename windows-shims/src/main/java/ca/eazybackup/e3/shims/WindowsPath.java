package ca.eazybackup.e3.shims;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A path as the addon sends it, parsed and checked once: a drive path ({@code C:\Users\x}), a UNC
 * path ({@code \\server\share\dir}) or a native absolute path ({@code /srv/data}). Both separators
 * are accepted; {@code .} and empty segments are dropped. Everything that could leave the named
 * folder or reach a device is refused: {@code ..} segments, device namespaces ({@code \\.\}, {@code
 * \\?\}, {@code \??\}), NUL and control characters, alternate data streams ({@code a:b}), reserved
 * device names ({@code CON}, {@code NUL}, {@code COM1} …) and drive-relative paths ({@code C:foo}).
 *
 * @param kind which of the three forms
 * @param root {@code C:\}, {@code \\server\share} or {@code /}
 * @param segments the names below the root, never {@code .}, {@code ..} or empty
 */
public record WindowsPath(Kind kind, String root, List<String> segments) {

  /** The three forms a path can take. */
  public enum Kind {
    DRIVE,
    UNC,
    NATIVE
  }

  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:(\\\\.*)?$");
  private static final Pattern RESERVED =
      Pattern.compile("^(CON|PRN|AUX|NUL|CONIN\\$|CONOUT\\$|COM[0-9¹²³]|LPT[0-9¹²³])$");
  private static final Set<Character> INVALID_CHARS = Set.of('<', '>', '"', '|', '?', '*');

  public WindowsPath {
    segments = List.copyOf(segments);
  }

  /** Parses and checks {@code raw}; the message of the exception says what was refused. */
  public static WindowsPath parse(String raw) throws ShimException {
    if (raw == null || raw.isBlank()) {
      throw invalid(raw, "the path is empty");
    }
    if (raw.indexOf('\0') >= 0) {
      throw invalid(raw, "the path contains a NUL character");
    }
    String path = raw.replace('/', '\\');
    if (path.startsWith("\\\\.\\")
        || path.startsWith("\\\\?\\")
        || path.startsWith("\\??\\")
        || path.equals("\\\\.")
        || path.equals("\\\\?")) {
      throw invalid(raw, "device namespace paths (\\\\.\\, \\\\?\\) are not allowed");
    }
    if (path.startsWith("\\\\")) {
      return parseUnc(raw, path.substring(2));
    }
    if (path.length() >= 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':') {
      if (!DRIVE.matcher(path).matches()) {
        throw invalid(
            raw,
            "a drive path must look like C:\\folder (drive-relative C:folder is not" + " allowed)");
      }
      char letter = Character.toUpperCase(path.charAt(0));
      List<String> segments = windowsSegments(raw, path.substring(2));
      return new WindowsPath(Kind.DRIVE, letter + ":\\", segments);
    }
    if (raw.startsWith("/")) {
      return new WindowsPath(Kind.NATIVE, "/", nativeSegments(raw));
    }
    throw invalid(raw, "the path must be absolute (C:\\…, \\\\server\\share\\… or /…)");
  }

  private static WindowsPath parseUnc(String raw, String rest) throws ShimException {
    List<String> parts = windowsSegments(raw, rest);
    if (parts.size() < 2) {
      throw invalid(raw, "a UNC path must name a server and a share (\\\\server\\share)");
    }
    String server = parts.get(0);
    String share = parts.get(1);
    return new WindowsPath(
        Kind.UNC, "\\\\" + server + "\\" + share, parts.subList(2, parts.size()));
  }

  private static List<String> windowsSegments(String raw, String rest) throws ShimException {
    List<String> out = new ArrayList<>();
    for (String segment : rest.split("\\\\")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      checkTraversal(raw, segment);
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (c < 32 || INVALID_CHARS.contains(c)) {
          throw invalid(raw, "'" + segment + "' contains a character Windows does not allow");
        }
        if (c == ':') {
          throw invalid(raw, "'" + segment + "' names an alternate data stream (':')");
        }
      }
      String base = segment.split("\\.", 2)[0].strip().toUpperCase(Locale.ROOT);
      if (RESERVED.matcher(base).matches()) {
        throw invalid(raw, "'" + segment + "' is a reserved device name");
      }
      out.add(segment);
    }
    return out;
  }

  private static List<String> nativeSegments(String raw) throws ShimException {
    List<String> out = new ArrayList<>();
    for (String segment : raw.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      checkTraversal(raw, segment);
      out.add(segment);
    }
    return out;
  }

  private static void checkTraversal(String raw, String segment) throws ShimException {
    // Windows strips trailing dots and spaces, so ". ." and "..." also climb; refuse them all.
    if (segment.strip().chars().allMatch(c -> c == '.' || c == ' ') && !segment.equals(".")) {
      throw invalid(raw, "'..' segments are not allowed");
    }
  }

  private static ShimException invalid(String raw, String why) {
    return ShimException.win32(
        "path " + (raw == null ? "null" : quote(raw)), Win32Error.ERROR_INVALID_NAME, why);
  }

  private static String quote(String raw) {
    return "'" + raw.replace("\0", "\\0") + "'";
  }

  /** The drive letter of a {@link Kind#DRIVE} path. */
  public char driveLetter() {
    if (kind != Kind.DRIVE) {
      throw new IllegalStateException("not a drive path: " + this);
    }
    return root.charAt(0);
  }

  /** {@code server} of {@code \\server\share}. */
  public String server() {
    return uncParts()[0];
  }

  /** {@code share} of {@code \\server\share}. */
  public String share() {
    return uncParts()[1];
  }

  private String[] uncParts() {
    if (kind != Kind.UNC) {
      throw new IllegalStateException("not a UNC path: " + this);
    }
    return root.substring(2).split("\\\\", 2);
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  /** {@code \} for drive and UNC paths, {@code /} for native ones. */
  public char separator() {
    return kind == Kind.NATIVE ? '/' : '\\';
  }

  /** The enclosing folder; empty at a root. */
  public Optional<WindowsPath> parent() {
    if (isRoot()) {
      return Optional.empty();
    }
    return Optional.of(new WindowsPath(kind, root, segments.subList(0, segments.size() - 1)));
  }

  /** The path of an entry {@code name} of this folder (a name as listed, not user input). */
  public WindowsPath child(String name) {
    List<String> more = new ArrayList<>(segments);
    more.add(name);
    return new WindowsPath(kind, root, more);
  }

  /** The root of this path as a path ({@code C:\}, {@code \\server\share}, {@code /}). */
  public WindowsPath volumeRoot() {
    return new WindowsPath(kind, root, List.of());
  }

  /** Normalized: {@code C:\Users\x}, {@code \\server\share\x}, {@code /srv/x}. */
  @Override
  public String toString() {
    if (segments.isEmpty()) {
      return root;
    }
    String sep = String.valueOf(separator());
    String joined = String.join(sep, segments);
    return root.endsWith(sep) ? root + joined : root + sep + joined;
  }
}
