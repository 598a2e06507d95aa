package ca.eazybackup.e3.agent.engine;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules both engines' restores follow so that what a snapshot or a bucket holds cannot make the
 * agent — a service running as SYSTEM — write outside the folder the user chose. By Windows' rules,
 * since that is where the agent runs, and applied everywhere so a test on Linux shows them.
 *
 * <ul>
 *   <li>A name from a snapshot or key is one plain name: no {@code /}, {@code \}, {@code :} ({@code
 *       C:x} is drive-relative, {@code a:b} an alternate data stream), no {@code < > " | ? *} or
 *       control character, not {@code .}/{@code ..}, no trailing dot or space (Windows strips them,
 *       so {@code "a."} would land on {@code a}), not a reserved device name ({@code CON}, {@code
 *       NUL}, {@code COM1}…, also with an extension).
 *   <li>A folder the restore descends into is a real folder: a symlink or junction found there
 *       (planted, or left by the user) is replaced by a folder — the link is removed, never what it
 *       points to — so nothing is written through it.
 *   <li>{@code delete_extra} never mirrors onto a drive or filesystem root, the Windows folder, the
 *       program folders or the profile roots: one wrong target there would delete a system.
 * </ul>
 */
public final class RestoreSafety {
  private static final Logger log = LoggerFactory.getLogger(RestoreSafety.class);
  private static final Pattern RESERVED =
      Pattern.compile("(?i)(CON|PRN|AUX|NUL|CONIN\\$|CONOUT\\$|(COM|LPT)[0-9\u00b9\u00b2\u00b3])");
  private static final Set<String> SYSTEM_FOLDERS =
      Set.of(
          "windows",
          "users",
          "program files",
          "program files (x86)",
          "programdata",
          "documents and settings",
          "system volume information",
          "$recycle.bin",
          // Unix equivalents, for the same mistake on a test machine
          "home",
          "etc",
          "usr",
          "var",
          "bin",
          "boot",
          "root");
  private static final Set<String> PROFILE_PARENTS =
      Set.of("users", "documents and settings", "home");
  private static final Object DIR_LOCK = new Object();

  private RestoreSafety() {}

  /** Why {@code name} may not be written as one file or folder name, or null when it may. */
  public static String unsafeNameReason(String name) {
    if (name == null || name.isEmpty()) {
      return "it is empty";
    }
    if (name.equals(".") || name.equals("..")) {
      return "it names a folder relative to another";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20) {
        return "it contains a control character";
      }
      switch (c) {
        case '/', '\\' -> {
          return "it contains a path separator";
        }
        case ':' -> {
          return "it contains ':' (a drive-relative path or an alternate data stream on Windows)";
        }
        case '<', '>', '"', '|', '?', '*' -> {
          return "it contains '" + c + "', which Windows does not allow in names";
        }
        default -> {}
      }
    }
    char last = name.charAt(name.length() - 1);
    if (last == '.' || last == ' ') {
      return "it ends with a dot or a space, which Windows strips (it would land on another name)";
    }
    String stem = name;
    int dot = name.indexOf('.');
    if (dot >= 0) {
      stem = name.substring(0, dot);
    }
    if (RESERVED.matcher(stem.stripTrailing()).matches()) {
      return "it is a reserved device name on Windows";
    }
    return null;
  }

  /** True when {@code name} may be written as is (see {@link #unsafeNameReason}). */
  public static boolean isSafeName(String name) {
    return unsafeNameReason(name) == null;
  }

  /**
   * Why {@code target} must not be mirrored with {@code delete_extra}, or null when it may: a drive
   * or filesystem root, a system folder directly under a root, or a profile root ({@code
   * C:\Users\Ann}, {@code /home/ann}).
   */
  public static String deleteExtraRefusal(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    int n = abs.getNameCount();
    if (n == 0 || abs.getParent() == null) {
      return "'" + target + "' is a drive or filesystem root";
    }
    String first = abs.getName(0).toString().toLowerCase(Locale.ROOT);
    if (n == 1 && SYSTEM_FOLDERS.contains(first)) {
      return "'" + target + "' is a system folder";
    }
    if (n == 2 && PROFILE_PARENTS.contains(first)) {
      return "'" + target + "' is a user profile's root";
    }
    return null;
  }

  /**
   * Makes {@code dir} and every folder between {@code base} and it a real folder, replacing a
   * symlink or junction found on the way by an empty folder. {@code base} itself is the user's
   * choice and is followed. Fails when a regular file is in the way.
   *
   * @return how many links were replaced
   */
  public static int createRealDirectories(Path base, Path dir) throws IOException {
    Path b = base.toAbsolutePath().normalize();
    Path d = dir.toAbsolutePath().normalize();
    if (!d.startsWith(b)) {
      throw new IOException("'" + dir + "' is not inside the restore target '" + base + "'");
    }
    Files.createDirectories(b);
    int replaced = 0;
    Path current = b;
    synchronized (DIR_LOCK) {
      for (Path part : b.relativize(d)) {
        if (part.toString().isEmpty()) {
          continue;
        }
        current = current.resolve(part.toString());
        if (ensureRealDirectory(current)) {
          replaced++;
        }
      }
    }
    return replaced;
  }

  /**
   * Makes {@code dir} a real folder (its parent must be one): creates it, or replaces a link found
   * there. Returns true when a link was replaced.
   */
  public static boolean ensureRealDirectory(Path dir) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      try {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException raced) {
        return ensureRealDirectory(dir);
      }
      return false;
    }
    // On Windows a junction reads as a directory that is also "other" (a reparse point).
    if (a.isSymbolicLink() || a.isOther()) {
      log.warn(
          "event=restore_link_replaced path={}: a link was where the snapshot has a folder; the"
              + " link is removed (not what it points to) and a folder made in its place",
          dir);
      Files.delete(dir);
      Files.createDirectory(dir);
      return true;
    }
    if (!a.isDirectory()) {
      throw new FileAlreadyExistsException(
          dir.toString(), null, "a file is where the snapshot has a folder");
    }
    return false;
  }
}
