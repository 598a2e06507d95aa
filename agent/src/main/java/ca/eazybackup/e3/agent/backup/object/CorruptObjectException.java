package ca.eazybackup.e3.agent.backup.object;

import java.io.IOException;

/** An object in the repository is malformed (bad list, missing content, wrong length). */
public final class CorruptObjectException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptObjectException(String message, Throwable cause) {
    super(message, cause);
  }
}
