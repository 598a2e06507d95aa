package ca.eazybackup.e3.agent.backup.content;

import java.io.IOException;

/**
 * Stored bytes failed authentication or their hash: never returned, always reported with the id.
 */
public final class ContentCorruptedException extends IOException {
  private static final long serialVersionUID = 1L;

  public ContentCorruptedException(String message, Throwable cause) {
    super(message, cause);
  }

  public ContentCorruptedException(String message) {
    super(message);
  }
}
