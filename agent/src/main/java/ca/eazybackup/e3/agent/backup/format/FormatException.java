package ca.eazybackup.e3.agent.backup.format;

import java.io.IOException;

/** {@code kopia.repository} or {@code kopia.blobcfg} cannot be used; the message says why. */
public final class FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
