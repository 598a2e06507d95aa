package ca.eazybackup.e3.agent.backup.hashing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;

/** The hash algorithms Kopia registers (repo/hashing/*.go), by name. */
public final class Hashing {
  public static final String DEFAULT = "BLAKE2B-256-128";

  /** Names we can compute, in Kopia's spelling. */
  public static final List<String> SUPPORTED =
      List.of(
          "BLAKE2B-256-128",
          "BLAKE2B-256",
          "BLAKE2S-128",
          "BLAKE2S-256",
          "HMAC-SHA256",
          "HMAC-SHA256-128",
          "HMAC-SHA224",
          "HMAC-SHA3-224",
          "HMAC-SHA3-256",
          "BLAKE3-256",
          "BLAKE3-256-128");

  private Hashing() {}

  /**
   * The hash function {@code name} keyed with the repository's {@code secret}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static HashFunction create(String name, byte[] secret) {
    byte[] key = secret == null ? new byte[0] : secret.clone();
    return switch (name) {
      case "BLAKE2B-256-128" -> digest(name, 16, () -> new Blake2b(nullIfEmpty(key), 32));
      case "BLAKE2B-256" -> digest(name, 32, () -> new Blake2b(nullIfEmpty(key), 32));
      case "BLAKE2S-128" ->
          digest(name, 16, () -> new Blake2sDigest(nullIfEmpty(key), 16, null, null));
      case "BLAKE2S-256" ->
          digest(name, 32, () -> new Blake2sDigest(nullIfEmpty(key), 32, null, null));
      case "HMAC-SHA256" -> hmac(name, "HmacSHA256", key, 32);
      case "HMAC-SHA256-128" -> hmac(name, "HmacSHA256", key, 16);
      case "HMAC-SHA224" -> hmac(name, "HmacSHA224", key, 28);
      case "HMAC-SHA3-224" -> hmac(name, "HmacSHA3-224", key, 28);
      case "HMAC-SHA3-256" -> hmac(name, "HmacSHA3-256", key, 32);
      case "BLAKE3-256" -> blake3(name, key, 32);
      case "BLAKE3-256-128" -> blake3(name, key, 16);
      default -> throw new IllegalArgumentException("unsupported hash algorithm: " + name);
    };
  }

  private static byte[] nullIfEmpty(byte[] key) {
    return key.length == 0 ? null : key;
  }

  private static HashFunction digest(String name, int size, Supplier<Digest> factory) {
    ThreadLocal<Digest> local = ThreadLocal.withInitial(factory);
    return new Truncated(
        name,
        size,
        (data, off, len) -> {
          Digest d = local.get();
          d.reset();
          d.update(data, off, len);
          byte[] out = new byte[d.getDigestSize()];
          d.doFinal(out, 0);
          return out;
        });
  }

  private static HashFunction hmac(String name, String jdkName, byte[] key, int size) {
    // Go's hmac accepts an empty key; the JDK refuses one, so an empty key is the all-zero block
    // HMAC pads it to anyway (equal by the HMAC definition).
    byte[] effective = key.length == 0 ? new byte[1] : key;
    ThreadLocal<Mac> local =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac mac = Mac.getInstance(jdkName);
                mac.init(new SecretKeySpec(effective, jdkName));
                return mac;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException(jdkName + " unavailable", e);
              }
            });
    return new Truncated(
        name,
        size,
        (data, off, len) -> {
          Mac mac = local.get();
          mac.update(data, off, len);
          return mac.doFinal();
        });
  }

  private static HashFunction blake3(String name, byte[] secret, int size) {
    // kopia repo/hashing/blake3_hashes.go: the key is the first 32 bytes of the secret, or a
    // BLAKE3 key derived from a shorter secret.
    byte[] key;
    if (secret.length >= 32) {
      key = Arrays.copyOf(secret, 32);
    } else {
      Blake3Digest kd = new Blake3Digest(256);
      kd.init(
          Blake3Parameters.context(
              "kopia blake3 derived key v1".getBytes(StandardCharsets.US_ASCII)));
      kd.update(secret, 0, secret.length);
      key = new byte[32];
      kd.doFinal(key, 0);
    }
    return digest(
        name,
        size,
        () -> {
          Blake3Digest d = new Blake3Digest(256);
          d.init(Blake3Parameters.key(key));
          return d;
        });
  }

  @FunctionalInterface
  private interface RawHash {
    byte[] apply(byte[] data, int off, int len);
  }

  private record Truncated(String name, int size, RawHash raw) implements HashFunction {
    @Override
    public byte[] hash(byte[] data, int offset, int length) {
      byte[] full = raw.apply(data, offset, length);
      return full.length == size ? full : Arrays.copyOf(full, size);
    }
  }
}
