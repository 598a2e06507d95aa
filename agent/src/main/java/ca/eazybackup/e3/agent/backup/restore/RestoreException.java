package ca.eazybackup.e3.agent.backup.restore;

import java.io.IOException;

/** A restore failed; the message names the file and why. Nothing partial is left in its place. */
public final class RestoreException extends IOException {
  private static final long serialVersionUID = 1L;

  public RestoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
