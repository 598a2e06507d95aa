package ca.eazybackup.e3.agent.backup.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption of the inner format JSON of {@code kopia.repository} and of {@code kopia.blobcfg}
 * (kopia repo/format_block.go): AES-256-GCM keyed with HKDF(formatKey, uniqueId, "AES"), AAD
 * HKDF(formatKey, uniqueId, "CHECKSUM"), nonce prepended.
 */
public final class FormatBlobCrypto {
  private final byte[] aesKey;
  private final byte[] aad;

  public FormatBlobCrypto(byte[] formatKey, byte[] uniqueId) {
    this.aesKey = KeyDerivation.derive(formatKey, uniqueId, "AES", 32);
    this.aad = KeyDerivation.derive(formatKey, uniqueId, "CHECKSUM", 32);
  }

  public byte[] encrypt(byte[] plain) {
    byte[] nonce = Encryption.randomNonce();
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      byte[] body = c.doFinal(plain);
      byte[] out = new byte[12 + body.length];
      System.arraycopy(nonce, 0, out, 0, 12);
      System.arraycopy(body, 0, out, 12, body.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * @throws DecryptionException when the password (hence the key) is wrong or the blob is damaged
   */
  public byte[] decrypt(byte[] data) throws DecryptionException {
    if (data.length < 12 + 16) {
      throw new DecryptionException("encrypted format block too short");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(aesKey, "AES"),
          new GCMParameterSpec(128, data, 0, 12));
      c.updateAAD(aad);
      return c.doFinal(data, 12, data.length - 12);
    } catch (AEADBadTagException e) {
      throw new DecryptionException("invalid repository password", e);
    } catch (GeneralSecurityException e) {
      throw new DecryptionException("unable to decrypt repository format", e);
    }
  }
}
