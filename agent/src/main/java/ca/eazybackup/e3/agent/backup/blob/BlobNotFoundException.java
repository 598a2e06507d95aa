package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;

/** The blob does not exist. */
public final class BlobNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobNotFoundException(String blobId) {
    super("blob " + blobId + " not found");
  }
}
