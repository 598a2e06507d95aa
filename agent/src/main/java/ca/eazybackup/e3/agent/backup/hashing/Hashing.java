package ca.eazybackup.e3.agent.backup.hashing;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
      // Bouncy Castle's types stay in DigestHashes, loaded only for these names: its jar is
      // signed, so its first class costs a fresh JVM a signature check (~0.3 s of CPU) and
      // class-data sharing never archives it. HMAC repositories (ours) never load it.
      case "BLAKE2B-256-128" -> DigestHashes.blake2b(name, key, 16);
      case "BLAKE2B-256" -> DigestHashes.blake2b(name, key, 32);
      case "BLAKE2S-128" -> DigestHashes.blake2s(name, key, 16);
      case "BLAKE2S-256" -> DigestHashes.blake2s(name, key, 32);
      case "HMAC-SHA256" -> hmac(name, "HmacSHA256", key, 32);
      case "HMAC-SHA256-128" -> hmac(name, "HmacSHA256", key, 16);
      case "HMAC-SHA224" -> hmac(name, "HmacSHA224", key, 28);
      case "HMAC-SHA3-224" -> hmac(name, "HmacSHA3-224", key, 28);
      case "HMAC-SHA3-256" -> hmac(name, "HmacSHA3-256", key, 32);
      case "BLAKE3-256" -> DigestHashes.blake3(name, key, 32);
      case "BLAKE3-256-128" -> DigestHashes.blake3(name, key, 16);
      default -> throw new IllegalArgumentException("unsupported hash algorithm: " + name);
    };
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

  @FunctionalInterface
  interface RawHash {
    byte[] apply(byte[] data, int off, int len);
  }

  record Truncated(String name, int size, RawHash raw) implements HashFunction {
    @Override
    public byte[] hash(byte[] data, int offset, int length) {
      byte[] full = raw.apply(data, offset, length);
      return full.length == size ? full : Arrays.copyOf(full, size);
    }
  }
}
