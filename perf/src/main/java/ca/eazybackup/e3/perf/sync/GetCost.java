package ca.eazybackup.e3.perf.sync;

import ca.eazybackup.e3.agent.s3.DirectGet;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CPU per small-object GET of the S3Client against {@link DirectGet}, alternated round by round in
 * one JVM against one S3 server (its own S3Proxy), so the JIT's warm-up shows in the first rounds
 * and the steady state in the last: {@code GetCost [OBJECTS] [THREADS] [ROUNDS]}. Process CPU is
 * the client's alone (the server is a child process). Prints one line per round and variant.
 */
public final class GetCost {
  private GetCost() {}

  public static void main(String[] args) throws Exception {
    int objects = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (S3Fixture fixture = S3Fixture.start();
        S3ClientFactory factory = new S3ClientFactory()) {
      S3Target target =
          new S3Target(
              fixture.endpoint().toString(),
              fixture.region(),
              fixture.accessKey(),
              fixture.secretKey());
      S3Client client = factory.client(target);
      DirectGet direct = factory.directGet(target);
      String bucket = "get-cost";
      fixture.createBucket(bucket);
      byte[] data = new byte[8192];
      new Random(1).nextBytes(data);
      all(
          pool,
          objects,
          k -> client.putObject(b -> b.bucket(bucket).key(key(k)), RequestBody.fromBytes(data)));
      System.out.printf("%d objects of %d B, %d threads%n", objects, data.length, threads);
      for (int round = 1; round <= rounds; round++) {
        for (String variant : List.of("s3client", "direct")) {
          long cpu0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          all(
              pool,
              objects,
              k -> {
                try (InputStream in =
                    variant.equals("direct")
                        ? direct.get(bucket, key(k))
                        : client.getObject(b -> b.bucket(bucket).key(key(k)))) {
                  in.transferTo(OutputStream.nullOutputStream());
                }
              });
          System.out.printf(
              "round %2d %-8s %.3f ms CPU/GET  %.2f s%n",
              round,
              variant,
              (os.getProcessCpuTime() - cpu0) / 1e6 / objects,
              (System.nanoTime() - t0) / 1e9);
        }
      }
      if (direct.fallbacks() > 0) {
        throw new IllegalStateException(direct.fallbacks() + " direct GETs fell back");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String key(int k) {
    return "objects/" + k;
  }

  private interface Task {
    void run(int k) throws Exception;
  }

  private static void all(ExecutorService pool, int n, Task task) throws Exception {
    List<Future<?>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      futures.add(
          pool.submit(
              () -> {
                task.run(k);
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }
}
