package ca.eazybackup.e3.perf.jmh;

import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Content encryption of one 1 MiB chunk, both ways (the per-content key derivation included). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CryptoBench {
  public static final int BYTES = 1 << 20;

  @Param({Encryption.AES256_GCM_HMAC_SHA256, Encryption.CHACHA20_POLY1305_HMAC_SHA256})
  public String encryption;

  private ContentEncryptor enc;
  private byte[] plain;
  private byte[][] sealed;
  private byte[] out;
  private final byte[] iv = new byte[16];
  private int next;

  @Setup
  public void setUp() {
    enc = Encryption.create(encryption, new byte[32]);
    plain = Data.mixed(BYTES, 3);
    // Two ciphertexts (two random nonces), alternated: the JDK's ChaCha20 cipher refuses to be
    // initialised twice in a row with the same key and nonce, even to decrypt.
    sealed = new byte[][] {enc.encrypt(plain, iv), enc.encrypt(plain, iv)};
    out = new byte[BYTES];
  }

  @Benchmark
  public byte[] encrypt() {
    return enc.encrypt(plain, 0, plain.length, iv);
  }

  @Benchmark
  public int decrypt() throws IOException {
    byte[] c = sealed[next ^= 1];
    return enc.decryptInto(c, 0, c.length, iv, out, 0);
  }
}
