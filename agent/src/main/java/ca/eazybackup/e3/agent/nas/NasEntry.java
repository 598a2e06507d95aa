package ca.eazybackup.e3.agent.nas;

import java.time.Instant;

/**
 * One file or folder of a {@link NasFileSystem}.
 *
 * @param name the last path segment ({@code ""} for the root)
 * @param folder whether it is a folder
 * @param size bytes of a file; 0 for a folder
 * @param modified last modification
 * @param created creation time, or {@code modified} when the store does not know it
 * @param etag an opaque validator that changes whenever the content does ({@code null} for folders)
 */
public record NasEntry(
    String name, boolean folder, long size, Instant modified, Instant created, String etag) {

  public static NasEntry folder(String name, Instant modified) {
    return new NasEntry(name, true, 0, modified, modified, null);
  }

  public static NasEntry file(String name, long size, Instant modified, String etag) {
    return new NasEntry(name, false, size, modified, modified, etag);
  }
}
