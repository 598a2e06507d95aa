package ca.eazybackup.e3.shims;

import java.util.Map;

/** Maps drive letters to WebDAV URLs or UNC paths (WNetAddConnection2 / WNetCancelConnection2). */
public interface DriveMapper {

  /**
   * Maps {@code letter} (A–Z) to {@code remote} (http URL or UNC); fails if the letter is in use.
   */
  void map(char letter, String remote, boolean persistent) throws ShimException;

  /** Removes the mapping of {@code letter}; no error when none exists. */
  void unmap(char letter) throws ShimException;

  /** Current mappings, letter → remote. */
  Map<Character, String> mappings();

  /**
   * What {@code letter} is used for in this logon session (GetLogicalDrives, GetDriveType,
   * WNetGetConnection): free, a local volume, or a network mapping and its remote. This default
   * knows only the mappings; both hosts also report local volumes.
   */
  default DriveUse probe(char letter) throws ShimException {
    char l = Character.toUpperCase(letter);
    String remote = mappings().get(l);
    return remote == null ? DriveUse.free(l) : new DriveUse(l, DriveUse.Kind.NETWORK, remote);
  }
}
