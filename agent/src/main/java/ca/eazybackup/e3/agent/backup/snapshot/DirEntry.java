package ca.eazybackup.e3.agent.backup.snapshot;

import ca.eazybackup.e3.agent.backup.object.ObjectId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * One entry of a {@code kopia:directory} (Kopia snapshot.DirEntry).
 *
 * @param type {@code f} file, {@code d} directory, {@code s} symlink
 * @param mode permission bits ({@code & 0777}); JSON {@code "0644"}
 * @param summary directories only
 */
public record DirEntry(
    String name,
    String type,
    int mode,
    long size,
    Instant mtime,
    long uid,
    long gid,
    ObjectId obj,
    DirectorySummary summary) {

  public static final String FILE = "f";
  public static final String DIRECTORY = "d";
  public static final String SYMLINK = "s";

  public boolean isDirectory() {
    return DIRECTORY.equals(type);
  }

  public boolean isFile() {
    return FILE.equals(type);
  }

  public boolean isSymlink() {
    return SYMLINK.equals(type);
  }

  /**
   * Kopia's directory order: directories first, then the rest, each by name in byte order (Go
   * compares UTF-8 bytes, which differs from Java's UTF-16 order for some characters).
   */
  public static int compareOrder(boolean dirA, String nameA, boolean dirB, String nameB) {
    if (dirA != dirB) {
      return dirA ? -1 : 1;
    }
    return compareNames(nameA, nameB);
  }

  public static int compareNames(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  public DirEntry withName(String newName) {
    return new DirEntry(newName, type, mode, size, mtime, uid, gid, obj, summary);
  }
}
