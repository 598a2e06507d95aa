package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;

/** A storage call failed; {@code retriable} says whether trying again may succeed. */
public class BlobStorageException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean retriable;

  public BlobStorageException(String message, Throwable cause, boolean retriable) {
    super(message, cause);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
