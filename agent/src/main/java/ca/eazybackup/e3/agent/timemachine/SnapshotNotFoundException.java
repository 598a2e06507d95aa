package ca.eazybackup.e3.agent.timemachine;

import java.io.IOException;

/** The snapshot asked for is not (or no longer) in the repository. */
public final class SnapshotNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public SnapshotNotFoundException(String message) {
    super(message);
  }
}
