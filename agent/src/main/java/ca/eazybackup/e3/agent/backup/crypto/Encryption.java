package ca.eazybackup.e3.agent.backup.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Kopia's content encryption algorithms (repo/encryption): a secret E derived from the master key,
 * a per-item key HMAC-SHA256(E, iv), and an AEAD keyed with it whose AAD is the iv.
 */
public final class Encryption {
  public static final String AES256_GCM_HMAC_SHA256 = "AES256-GCM-HMAC-SHA256";
  public static final String CHACHA20_POLY1305_HMAC_SHA256 = "CHACHA20-POLY1305-HMAC-SHA256";
  public static final List<String> SUPPORTED =
      List.of(AES256_GCM_HMAC_SHA256, CHACHA20_POLY1305_HMAC_SHA256);

  private static final SecureRandom RANDOM = new SecureRandom();

  private Encryption() {}

  /**
   * @throws IllegalArgumentException for an unknown algorithm
   */
  public static ContentEncryptor create(String name, byte[] masterKey) {
    // kopia repo/encryption/aead_helpers.go: salt "encryption", empty info.
    byte[] secret =
        KeyDerivation.hkdf(
            masterKey, "encryption".getBytes(StandardCharsets.US_ASCII), new byte[0], 32);
    return switch (name) {
      case AES256_GCM_HMAC_SHA256 -> {
        GcmWarmUp.start();
        yield new Aead(name, secret, "AES/GCM/NoPadding", "AES");
      }
      case CHACHA20_POLY1305_HMAC_SHA256 -> new Aead(name, secret, "ChaCha20-Poly1305", "ChaCha20");
      default -> throw new IllegalArgumentException("unsupported encryption algorithm: " + name);
    };
  }

  static byte[] randomNonce() {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  private static final int SLICE = 16 * 1024;

  /**
   * The JDK 17 AES-GCM code uses the CLMUL/AES-NI intrinsics only once the Java methods that call
   * them are compiled by C2; a few large doFinal calls (multi-MiB chunks) never make them hot, and
   * GCM then runs in plain Java at ~20 MB/s instead of ~600 MB/s (measured on this machine). So the
   * agent encrypts in 16 KiB update() slices, and warms the path once per process with many tiny
   * operations (well under a CPU-second) in the background, which also makes decryption — one
   * doFinal per content by the JDK's design — fast from the first restore.
   */
  static final class GcmWarmUp {
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED =
        new java.util.concurrent.atomic.AtomicBoolean();

    private GcmWarmUp() {}

    static void start() {
      if (!STARTED.compareAndSet(false, true)) {
        return;
      }
      Thread t = new Thread(GcmWarmUp::run, "aes-gcm-warm-up");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      t.start();
    }

    private static void run() {
      try {
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        byte[] small = new byte[256];
        byte[] out = new byte[small.length + 16];
        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = new byte[12];
        for (int i = 0; i < 30_000; i++) {
          if (i % 64 == 0) {
            nonce[0] = (byte) i;
            nonce[1] = (byte) (i >> 8);
            nonce[2] = (byte) (i >> 16);
            enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
          }
          enc.update(small, 0, small.length, out, 0);
        }
        byte[] sealed = enc.doFinal();
        enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, randomNonce()));
        for (int i = 0; i < 12_000; i++) {
          byte[] n = randomNonce();
          enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, n));
          sealed = enc.doFinal(small);
          dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, n));
          dec.doFinal(sealed);
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        // only a speed-up: the real paths work (slowly) without it
      }
    }
  }

  private static final class Aead implements ContentEncryptor {
    private final String name;
    private final String transformation;
    private final String keyAlgorithm;
    private final ThreadLocal<Mac> keyMac;
    private final ThreadLocal<Cipher> cipher;

    Aead(String name, byte[] secret, String transformation, String keyAlgorithm) {
      this.name = name;
      this.transformation = transformation;
      this.keyAlgorithm = keyAlgorithm;
      byte[] key = secret.clone();
      this.keyMac =
          ThreadLocal.withInitial(
              () -> {
                try {
                  Mac mac = Mac.getInstance("HmacSHA256");
                  mac.init(new SecretKeySpec(key, "HmacSHA256"));
                  return mac;
                } catch (GeneralSecurityException e) {
                  throw new IllegalStateException("HmacSHA256 unavailable", e);
                }
              });
      this.cipher =
          ThreadLocal.withInitial(
              () -> {
                try {
                  return Cipher.getInstance(transformation);
                } catch (GeneralSecurityException e) {
                  throw new IllegalStateException(transformation + " unavailable", e);
                }
              });
    }

    @Override
    public String name() {
      return name;
    }

    private Cipher init(int mode, byte[] iv, byte[] nonce) throws GeneralSecurityException {
      Mac mac = keyMac.get();
      byte[] itemKey = mac.doFinal(iv);
      Cipher c = cipher.get();
      SecretKeySpec k = new SecretKeySpec(itemKey, keyAlgorithm);
      if (keyAlgorithm.equals("AES")) {
        c.init(mode, k, new GCMParameterSpec(128, nonce));
      } else {
        try {
          c.init(mode, k, new IvParameterSpec(nonce));
        } catch (InvalidKeyException sameKeyAndNonce) {
          // The JDK's ChaCha20 refuses to be initialised twice in a row with one key and nonce,
          // even to decrypt: reading one content twice (a verify, then a restore) hits it.
          c = Cipher.getInstance(transformation);
          cipher.set(c);
          c.init(mode, k, new IvParameterSpec(nonce));
        }
      }
      c.updateAAD(iv);
      return c;
    }

    @Override
    public byte[] encrypt(byte[] plain, int offset, int length, byte[] iv) {
      byte[] nonce = randomNonce();
      try {
        // A fresh Cipher per call: the JDK's GCM refuses to reuse a key+nonce pair, and
        // the ThreadLocal instance is re-initialised each time anyway.
        Cipher c = init(Cipher.ENCRYPT_MODE, iv, nonce);
        byte[] out = new byte[12 + c.getOutputSize(length)];
        System.arraycopy(nonce, 0, out, 0, 12);
        // In slices: see GcmWarmUp (the JDK's GHASH/CTR intrinsics only run from hot callers).
        int n = 0;
        for (int done = 0; done < length; done += SLICE) {
          int len = Math.min(SLICE, length - done);
          n += c.update(plain, offset + done, len, out, 12 + n);
        }
        n += c.doFinal(out, 12 + n);
        if (n + 12 != out.length) {
          throw new IllegalStateException("unexpected AEAD output length " + n);
        }
        return out;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(transformation + " encryption failed", e);
      }
    }

    @Override
    public byte[] decrypt(byte[] cipherText, int offset, int length, byte[] iv)
        throws DecryptionException {
      if (length < OVERHEAD) {
        throw new DecryptionException("ciphertext too short: " + length + " bytes");
      }
      byte[] nonce = new byte[12];
      System.arraycopy(cipherText, offset, nonce, 0, 12);
      try {
        Cipher c = init(Cipher.DECRYPT_MODE, iv, nonce);
        return c.doFinal(cipherText, offset + 12, length - 12);
      } catch (AEADBadTagException e) {
        throw new DecryptionException("authentication failed (wrong key or corrupted data)", e);
      } catch (GeneralSecurityException e) {
        throw new DecryptionException(transformation + " decryption failed", e);
      }
    }

    @Override
    public int decryptInto(
        byte[] cipherText, int offset, int length, byte[] iv, byte[] out, int outOffset)
        throws DecryptionException {
      if (length < OVERHEAD) {
        throw new DecryptionException("ciphertext too short: " + length + " bytes");
      }
      if (out.length - outOffset < length - OVERHEAD) {
        throw new IllegalArgumentException("output buffer too small");
      }
      byte[] nonce = new byte[12];
      System.arraycopy(cipherText, offset, nonce, 0, 12);
      try {
        Cipher c = init(Cipher.DECRYPT_MODE, iv, nonce);
        return c.doFinal(cipherText, offset + 12, length - 12, out, outOffset);
      } catch (AEADBadTagException e) {
        throw new DecryptionException("authentication failed (wrong key or corrupted data)", e);
      } catch (GeneralSecurityException e) {
        throw new DecryptionException(transformation + " decryption failed", e);
      }
    }
  }
}
