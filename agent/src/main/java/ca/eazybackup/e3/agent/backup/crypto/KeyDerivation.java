package ca.eazybackup.e3.agent.backup.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.HKDFParameters;

/** Kopia's key derivations: scrypt for the password, HKDF-SHA256 for everything below it. */
public final class KeyDerivation {
  /** The only password KDF Kopia 0.9/0.10 writes. */
  public static final String SCRYPT_65536_8_1 = "scrypt-65536-8-1";

  private KeyDerivation() {}

  /**
   * The format key from a password (kopia repo/crypto_key_derivation_nontest.go): scrypt N=65536,
   * r=8, p=1 over the UTF-8 password, salted with the repository's unique id.
   */
  public static byte[] formatKey(String keyAlgorithm, String password, byte[] uniqueId) {
    if (!SCRYPT_65536_8_1.equals(keyAlgorithm)) {
      throw new IllegalArgumentException("unsupported key derivation algorithm: " + keyAlgorithm);
    }
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    String memoKey = memoKey(pw, uniqueId);
    synchronized (MEMO) {
      byte[] known = MEMO.get(memoKey);
      if (known != null) {
        return known.clone();
      }
    }
    byte[] key = SCrypt.generate(pw, uniqueId, 65536, 8, 1, 32);
    synchronized (MEMO) {
      MEMO.put(memoKey, key.clone());
    }
    return key;
  }

  /**
   * Format keys derived in this process, so a long-running agent pays scrypt's ~0.5 CPU-s (and its
   * 64 MiB) once per repository and password, not on every run. Memory only, never written out;
   * keyed by a SHA-256 of salt and password so the map holds no password.
   */
  private static final int MEMO_SIZE = 16;

  private static final Map<String, byte[]> MEMO =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > MEMO_SIZE;
        }
      };

  private static String memoKey(byte[] password, byte[] salt) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(salt);
      d.update((byte) 0);
      d.update(password);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** HKDF-SHA256 (RFC 5869). */
  public static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator gen = new HKDFBytesGenerator(new SHA256Digest());
    gen.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    gen.generateBytes(out, 0, length);
    return out;
  }

  /** HKDF with an ASCII purpose as info, as Kopia's repo-level DeriveKey does. */
  public static byte[] derive(byte[] ikm, byte[] salt, String purpose, int length) {
    return hkdf(ikm, salt, purpose.getBytes(StandardCharsets.US_ASCII), length);
  }
}
