package ca.eazybackup.e3.agent.backup.crypto;

import java.io.IOException;

/**
 * Authenticated encryption of contents and named blobs (kopia repo/encryption). Output layout:
 * {@code nonce(12) ‖ ciphertext ‖ tag(16)}; the item's iv is both key-derivation input and AAD.
 * Thread-safe.
 */
public interface ContentEncryptor {
  int OVERHEAD = 28;

  String name();

  byte[] encrypt(byte[] plain, int offset, int length, byte[] iv);

  default byte[] encrypt(byte[] plain, byte[] iv) {
    return encrypt(plain, 0, plain.length, iv);
  }

  /**
   * @throws DecryptionException when the tag does not verify (wrong key or corrupted bytes)
   */
  byte[] decrypt(byte[] cipherText, int offset, int length, byte[] iv) throws IOException;

  default byte[] decrypt(byte[] cipherText, byte[] iv) throws IOException {
    return decrypt(cipherText, 0, cipherText.length, iv);
  }
}
