package ca.eazybackup.e3.agent.backup.hashing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;

/**
 * The hash functions built on Bouncy Castle's {@link Digest} (BLAKE2b, BLAKE2s, BLAKE3), apart from
 * {@link Hashing} so that a JVM loads Bouncy Castle only when a repository uses one of them (see
 * {@link Hashing#create}).
 */
final class DigestHashes {
  private DigestHashes() {}

  static HashFunction blake2b(String name, byte[] key, int size) {
    return digest(name, size, () -> new Blake2b(nullIfEmpty(key), 32));
  }

  static HashFunction blake2s(String name, byte[] key, int size) {
    return digest(name, size, () -> new Blake2sDigest(nullIfEmpty(key), size, null, null));
  }

  static HashFunction blake3(String name, byte[] secret, int size) {
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

  private static byte[] nullIfEmpty(byte[] key) {
    return key.length == 0 ? null : key;
  }

  private static HashFunction digest(String name, int size, Supplier<Digest> factory) {
    ThreadLocal<Digest> local = ThreadLocal.withInitial(factory);
    return new Hashing.Truncated(
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
}
