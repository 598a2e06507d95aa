package ca.eazybackup.e3.agent.backup.index;

import java.io.IOException;

/** Index bytes that do not decode. */
public final class InvalidIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  public InvalidIndexException(String message) {
    super(message);
  }
}
