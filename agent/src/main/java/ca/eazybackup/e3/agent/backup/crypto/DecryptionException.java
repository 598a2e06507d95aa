package ca.eazybackup.e3.agent.backup.crypto;

import java.io.IOException;

/** Ciphertext failed authentication: wrong key, or the stored bytes were altered. */
public final class DecryptionException extends IOException {
  private static final long serialVersionUID = 1L;

  public DecryptionException(String message) {
    super(message);
  }

  public DecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
