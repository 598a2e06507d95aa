package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.transfer.RetryHint;
import java.io.IOException;

/**
 * A storage call failed; {@code retriable} says whether trying again may succeed (the agent's
 * {@link ca.eazybackup.e3.agent.transfer.RetryPolicy} decided, or the storage knows).
 */
public class BlobStorageException extends IOException implements RetryHint {
  private static final long serialVersionUID = 1L;
  private final boolean retriable;

  public BlobStorageException(String message, Throwable cause, boolean retriable) {
    super(message, cause);
    this.retriable = retriable;
  }

  @Override
  public boolean retriable() {
    return retriable;
  }
}
