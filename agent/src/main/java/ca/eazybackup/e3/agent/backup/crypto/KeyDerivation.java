package ca.eazybackup.e3.agent.backup.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Kopia's key derivations: scrypt for the password, HKDF-SHA256 for everything below it. */
public final class KeyDerivation {
  /** The only password KDF Kopia 0.9/0.10 writes. */
  public static final String SCRYPT_65536_8_1 = "scrypt-65536-8-1";

  private KeyDerivation() {}

  /**
   * The format key from a password (kopia repo/crypto_key_derivation_nontest.go): scrypt N=65536,
   * r=8, p=1 over the UTF-8 password, salted with the repository's unique id. A derivation of the
   * same key already running on another thread is waited for, not repeated.
   */
  public static byte[] formatKey(String keyAlgorithm, String password, byte[] uniqueId) {
    if (!SCRYPT_65536_8_1.equals(keyAlgorithm)) {
      throw new IllegalArgumentException("unsupported key derivation algorithm: " + keyAlgorithm);
    }
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    String memoKey = memoKey(pw, uniqueId);
    CompletableFuture<byte[]> known;
    CompletableFuture<byte[]> mine = null;
    synchronized (MEMO) {
      known = MEMO.get(memoKey);
      if (known == null) {
        mine = new CompletableFuture<>();
        MEMO.put(memoKey, mine);
      }
    }
    if (mine == null) {
      // derived already, or being derived by another thread (Repository.deriveKeyAhead): wait
      // for it rather than run scrypt twice
      try {
        return known.join().clone();
      } catch (CompletionException | CancellationException e) {
        // that derivation failed: derive here, as if it had never started
        synchronized (MEMO) {
          MEMO.remove(memoKey, known);
        }
        return formatKey(keyAlgorithm, password, uniqueId);
      }
    }
    try {
      byte[] key = Scrypt.generate(pw, uniqueId, 65536, 8, 1, 32);
      mine.complete(key.clone());
      return key;
    } catch (RuntimeException | Error e) {
      synchronized (MEMO) {
        MEMO.remove(memoKey, mine);
      }
      mine.completeExceptionally(e);
      throw e;
    }
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

  private static final Map<String, CompletableFuture<byte[]>> MEMO =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<byte[]>> eldest) {
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

  /** HKDF-SHA256 (RFC 5869), on the JDK's HMAC (see {@link Scrypt} for why not Bouncy Castle). */
  public static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (length > 255 * 32) {
      throw new IllegalArgumentException("HKDF-SHA256 gives at most 8160 bytes, asked " + length);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // no salt is HashLen zero bytes (RFC 5869 2.2); an HMAC key of zeros is padded the same
      mac.init(
          new SecretKeySpec(salt == null || salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      byte[] out = new byte[length];
      byte[] t = new byte[0];
      for (int i = 1, pos = 0; pos < length; i++, pos += 32) {
        mac.update(t);
        if (info != null) {
          mac.update(info);
        }
        t = mac.doFinal(new byte[] {(byte) i});
        System.arraycopy(t, 0, out, pos, Math.min(32, length - pos));
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** HKDF with an ASCII purpose as info, as Kopia's repo-level DeriveKey does. */
  public static byte[] derive(byte[] ikm, byte[] salt, String purpose, int length) {
    return hkdf(ikm, salt, purpose.getBytes(StandardCharsets.US_ASCII), length);
  }
}
