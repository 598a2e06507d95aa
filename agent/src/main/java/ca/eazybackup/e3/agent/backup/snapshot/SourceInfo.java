package ca.eazybackup.e3.agent.backup.snapshot;

/** What was snapshotted: Kopia's {@code user@host:path}. */
public record SourceInfo(String host, String userName, String path) {

  public SourceInfo {
    if (host == null || host.isBlank() || userName == null || userName.isBlank()) {
      throw new IllegalArgumentException("a snapshot source needs a host and a user name");
    }
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("a snapshot source needs a path");
    }
  }

  @Override
  public String toString() {
    return userName + "@" + host + ":" + path;
  }
}
