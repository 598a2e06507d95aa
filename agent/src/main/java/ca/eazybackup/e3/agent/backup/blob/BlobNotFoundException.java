package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.transfer.RetryHint;
import java.io.IOException;

/** The blob does not exist; never worth another attempt. */
public final class BlobNotFoundException extends IOException implements RetryHint {
  private static final long serialVersionUID = 1L;

  public BlobNotFoundException(String blobId) {
    super("blob " + blobId + " not found");
  }

  @Override
  public boolean retriable() {
    return false;
  }
}
