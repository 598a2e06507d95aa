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

  /**
   * Like {@link #decrypt(byte[], int, int, byte[])}, but writes the plaintext ({@code length -
   * OVERHEAD} bytes) into {@code out} at {@code outOffset} and returns its length, so a bulk reader
   * (restore) can decrypt every content into one reused buffer instead of a new array each.
   *
   * @throws DecryptionException when the tag does not verify
   */
  default int decryptInto(
      byte[] cipherText, int offset, int length, byte[] iv, byte[] out, int outOffset)
      throws IOException {
    byte[] plain = decrypt(cipherText, offset, length, iv);
    System.arraycopy(plain, 0, out, outOffset, plain.length);
    return plain.length;
  }
}
