package ca.eazybackup.e3.perf.run;

import ca.eazybackup.e3.agent.backup.compression.Compressor;
import ca.eazybackup.e3.agent.backup.compression.Compressors;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What this machine allows at most, measured in the same sitting as the engines so that each figure
 * can be read as a share of its ceiling: reading the dataset, one core's hashing, encryption and
 * compression throughput (the primitives the kopia engine chains per chunk), and the S3 server's
 * raw PUT/GET of one large object and of many small ones. A simple timed loop after a warm-up, not
 * JMH: the question is "how far is the engine from the primitive", and a figure within a few
 * percent answers it. Rows go to the results file in perf/run's format.
 *
 * <p>Usage: {@code ceilings INFO DATA_DIR OUT_TSV LARGE_MIB SMALL_COUNT SECONDS_PER_PRIMITIVE}
 */
final class Ceilings {
  private static final int CHUNK = 1 << 20; // near the splitter's average chunk
  private final PrintStream out;
  private final double budget;

  private Ceilings(PrintStream out, double budget) {
    this.out = out;
    this.budget = budget;
  }

  static void main(String[] a) throws Exception {
    Path info = Path.of(a[0]);
    Path data = Path.of(a[1]);
    int largeMib = Integer.parseInt(a[3]);
    int smallCount = Integer.parseInt(a[4]);
    double budget = Double.parseDouble(a[5]);
    try (PrintStream out =
        new PrintStream(
            Files.newOutputStream(
                Path.of(a[2]),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND),
            true,
            java.nio.charset.StandardCharsets.UTF_8)) {
      Ceilings c = new Ceilings(out, budget);
      c.diskRead(data);
      c.primitives();
      c.s3(Steps.info(info), largeMib, smallCount);
    }
  }

  private void row(String step, String mode, double seconds, double cpu, long bytes, long reqs) {
    out.printf(
        Locale.ROOT,
        "ceiling\t%s\t%s\tjvm\t1\t%.4f\t%.3f\t%d\t%d\t%d%n",
        step,
        mode,
        seconds,
        cpu,
        ProcMemory.peakKib(),
        bytes,
        reqs);
    System.err.printf(
        Locale.ROOT,
        "ceiling %-22s %-10s %8.1f MB/s%s%n",
        step,
        mode,
        bytes / 1e6 / seconds,
        reqs > 0 ? String.format(Locale.ROOT, " %8.0f req/s", reqs / seconds) : "");
  }

  private static double cpuSeconds() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime() / 1e9;
  }

  /** One thread reads every file once (whatever the page cache holds: "warm local"). */
  private void diskRead(Path data) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(data)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    byte[] buf = new byte[CHUNK];
    double cpu0 = cpuSeconds();
    long t0 = System.nanoTime();
    long bytes = 0;
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          bytes += n;
        }
      }
    }
    row("disk read", "1 thread", (System.nanoTime() - t0) / 1e9, cpuSeconds() - cpu0, bytes, 0);
  }

  interface Op {
    void apply(byte[] chunk) throws Exception;
  }

  private void primitives() throws Exception {
    byte[] chunk = mixed(CHUNK);
    byte[] key = new byte[32];
    new SplittableRandom(1).nextBytes(key);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    measure("SHA-256", chunk, sha::digest);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    measure("HMAC-SHA256", chunk, mac::doFinal);
    HashFunction blake = Hashing.create("BLAKE2B-256-128", key);
    measure("BLAKE2b (ours)", chunk, c -> blake.hash(c, 0, c.length));
    // Through the engine's own content encryptor (per-content key derivation, the JDK's GCM in
    // the slices the engine uses), as the JMH CryptoBench does: a bare one-shot Cipher.doFinal of
    // a 1 MiB array measured 81 MB/s here while the engine's path does ~2.8 GB/s, so that ceiling
    // said nothing about the engine.
    ContentEncryptor gcm = Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, key);
    byte[] iv = new byte[16];
    long[] counter = {0};
    measure(
        "AES-256-GCM encrypt",
        chunk,
        c -> {
          // a fresh content id (the IV) per chunk, as the engine does
          long n = ++counter[0];
          for (int i = 0; i < 8; i++) {
            iv[i] = (byte) (n >>> (8 * i));
          }
          gcm.encrypt(c, 0, c.length, iv);
        });
    Compressor zstd = Compressors.byName("zstd");
    measure("zstd-3 compress", chunk, c -> zstd.compress(c, 0, c.length));
    byte[] z = zstd.compress(chunk, 0, chunk.length);
    measure("zstd-3 decompress", chunk, c -> zstd.decompress(z, 0, z.length));
  }

  /** Warm-up for a third of the budget, then as many chunks as fit the budget; one core. */
  private void measure(String name, byte[] chunk, Op op) throws Exception {
    long warmEnd = System.nanoTime() + (long) (budget / 3 * 1e9);
    while (System.nanoTime() < warmEnd) {
      op.apply(chunk);
    }
    double cpu0 = cpuSeconds();
    long t0 = System.nanoTime();
    long end = t0 + (long) (budget * 1e9);
    long bytes = 0;
    do {
      op.apply(chunk);
      bytes += chunk.length;
    } while (System.nanoTime() < end);
    row(name, "1 core", (System.nanoTime() - t0) / 1e9, cpuSeconds() - cpu0, bytes, 0);
  }

  /** The datasets' content: each 64 KiB block half random, half repeated text. */
  static byte[] mixed(int size) {
    byte[] b = new byte[size];
    SplittableRandom r = new SplittableRandom(42);
    byte[] text = "the quick brown fox jumps over the lazy dog 0123456789\n".getBytes();
    for (int off = 0; off < size; off += 65536) {
      int half = Math.min(32768, size - off);
      for (int i = 0; i < half; i++) {
        b[off + i] = (byte) r.nextInt(256);
      }
      for (int i = half; i < Math.min(65536, size - off); i++) {
        b[off + i] = text[i % text.length];
      }
    }
    return b;
  }

  /**
   * Raw S3 through the agent's own client factory (the SDK client and its connection pool): one
   * large object in one stream, then many small objects from 8 threads (the sync engine's default
   * parallelism). One warm-up round of each first: the JIT is not what this row measures.
   */
  private void s3(java.util.Properties info, int largeMib, int smallCount) throws Exception {
    try (S3ClientFactory factory = new S3ClientFactory()) {
      S3Client s3 = factory.client(Steps.target(info));
      String bucket = "ceiling-" + System.currentTimeMillis();
      s3.createBucket(b -> b.bucket(bucket));
      byte[] large = mixed(largeMib << 20);
      byte[] small = mixed(8192);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        smallObjects(s3, pool, bucket, "warm/", small, Math.min(200, smallCount), false);
        largeObject(s3, bucket, "warm-large", mixed(4 << 20), false);
        largeObject(s3, bucket, "large", large, true);
        smallObjects(s3, pool, bucket, "small/", small, smallCount, true);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private void largeObject(S3Client s3, String bucket, String key, byte[] body, boolean record)
      throws IOException {
    double cpu0 = cpuSeconds();
    long t0 = System.nanoTime();
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
    double put = (System.nanoTime() - t0) / 1e9;
    double putCpu = cpuSeconds() - cpu0;
    cpu0 = cpuSeconds();
    t0 = System.nanoTime();
    long got;
    try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      got = in.transferTo(OutputStream.nullOutputStream());
    }
    double get = (System.nanoTime() - t0) / 1e9;
    if (got != body.length) {
      throw new IllegalStateException("GET returned " + got + " of " + body.length + " bytes");
    }
    if (record) {
      String mode = (body.length >> 20) + " MiB object";
      row("S3 PUT large", mode, put, putCpu, body.length, 1);
      row("S3 GET large", mode, get, cpuSeconds() - cpu0, body.length, 1);
    }
  }

  private void smallObjects(
      S3Client s3,
      ExecutorService pool,
      String bucket,
      String prefix,
      byte[] body,
      int count,
      boolean record)
      throws Exception {
    AtomicLong next = new AtomicLong();
    double cpu0 = cpuSeconds();
    long t0 = System.nanoTime();
    runAll(
        pool,
        () -> {
          for (long i; (i = next.getAndIncrement()) < count; ) {
            long k = i;
            s3.putObject(b -> b.bucket(bucket).key(prefix + k), RequestBody.fromBytes(body));
          }
          return null;
        });
    double put = (System.nanoTime() - t0) / 1e9;
    double putCpu = cpuSeconds() - cpu0;
    next.set(0);
    cpu0 = cpuSeconds();
    t0 = System.nanoTime();
    runAll(
        pool,
        () -> {
          for (long i; (i = next.getAndIncrement()) < count; ) {
            long k = i;
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + k));
          }
          return null;
        });
    double get = (System.nanoTime() - t0) / 1e9;
    if (record) {
      String mode = count + " x 8 KiB, 8 threads";
      row("S3 PUT small", mode, put, putCpu, (long) count * body.length, count);
      row("S3 GET small", mode, get, cpuSeconds() - cpu0, (long) count * body.length, count);
    }
  }

  private static void runAll(ExecutorService pool, java.util.concurrent.Callable<Void> task)
      throws Exception {
    List<Future<Void>> fs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      fs.add(pool.submit(task));
    }
    for (Future<Void> f : fs) {
      f.get();
    }
  }
}
