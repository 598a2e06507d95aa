package ca.eazybackup.e3.agent.backup.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
   * 64 MiB) once per repository and password, not on every run. Memory only, never written out, at
   * most {@link #MEMO_SIZE} entries (least recently used dropped). Keyed by an HMAC-SHA256 of salt
   * and password under a key drawn at random per process: a plain hash of a password in a heap dump
   * could be checked against guesses at hash speed, this one only with the process key.
   */
  static final int MEMO_SIZE = 16;

  private static final byte[] MEMO_KEY = new byte[32];

  static {
    new SecureRandom().nextBytes(MEMO_KEY);
  }

  private static final Map<String, byte[]> MEMO =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > MEMO_SIZE;
        }
      };

  static String memoKey(byte[] password, byte[] salt) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(MEMO_KEY, "HmacSHA256"));
      byte[] len = ByteBuffer.allocate(4).putInt(salt.length).array();
      mac.update(len); // length-prefixed, so salt/password boundaries cannot shift
      mac.update(salt);
      mac.update(password);
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** For tests: entries memoised now. */
  static int memoSize() {
    synchronized (MEMO) {
      return MEMO.size();
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
