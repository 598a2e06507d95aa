package ca.eazybackup.e3.perf.jmh;

import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.content.KopiaContentStore;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The content store's write path for one new 1 MiB chunk, as a backup runs it: HMAC-SHA256-128 id,
 * zstd, AES-256-GCM, appended to a 20 MiB pack that is written to a local repository when full (the
 * agent's S3 upload is left out: the S3 rows of perf/run measure that).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PackWriteBench {
  public static final int BYTES = 1 << 20;

  private Path dir;
  private KopiaContentStore store;
  private byte[] chunk;
  private long n;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("e3-jmh-pack");
    store =
        KopiaContentStore.open(
            FilesystemBlobStorage.open(dir.resolve("repo")),
            Hashing.create("HMAC-SHA256-128", new byte[32]),
            Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, new byte[32]),
            new KopiaContentStore.Settings(2, 2, 20 << 20, true, 2, null));
    chunk = Data.mixed(BYTES, 5);
  }

  /** Every call writes a new content (a counter in its first bytes): dedup never skips it. */
  @Benchmark
  public ContentId write() throws IOException {
    long v = ++n;
    for (int i = 0; i < 8; i++) {
      chunk[i] = (byte) (v >>> (8 * i));
    }
    return store.write(chunk, 0, chunk.length, "", "zstd");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
