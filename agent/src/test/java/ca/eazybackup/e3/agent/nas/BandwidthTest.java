package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-volume upload and download limits (the addon's Cloud NAS settings, KB/s) through the agent's
 * shared TokenBucket: a transfer through WebDAV runs within ±10 % of the limit.
 *
 * <p>A limit can only slow a transfer down, so "never faster than the limit + 10 %" is checked on
 * the clock as it is. "Not slower than the limit − 10 %" is checked against what this machine
 * manages right now without a limit: the same transfer through an unlimited volume of the same
 * server, just before, is the time that is not the limiter's. On a quiet machine that is a fraction
 * of a second; on a starved CI machine (seen: 6 MiB at 1 MiB/s took 9.5 s) it keeps the check about
 * the limiter, not about the load.
 */
class BandwidthTest {
  static final long LIMIT = 1024 * 1024; // 1 MiB/s
  static final int SIZE = 6 * 1024 * 1024;
  static final double LIMIT_SECONDS = (double) SIZE / LIMIT;

  @Test
  void uploadsAndDownloadsHoldTheirLimits() throws Exception {
    String bucket = NasS3.newBucket("bandwidth");
    byte[] data = new byte[SIZE];
    new Random(5).nextBytes(data);
    Sardine dav = SardineFactory.begin();
    try (NasServer server = NasServer.start(0);
        ServedVolume free = serve(server, bucket, 0);
        ServedVolume limited = serve(server, bucket, LIMIT)) {
      String f = free.url().toString();
      String u = limited.url().toString();
      dav.put(u + "warm.bin", new byte[1024]); // connections and JIT, not measured
      double freeUp = put(dav, f + "free.bin", data);
      double freeDown = get(dav, f + "free.bin", data);

      double up = put(dav, u + "six.bin", data);
      double down = get(dav, u + "six.bin", data);
      System.out.printf(
          "nas bandwidth: limit %d B/s; upload %.2f s (%.3fx the limit's rate), download %.2f s"
              + " (%.3fx); unlimited on this machine now: %.2f s up, %.2f s down%n",
          LIMIT, up, LIMIT_SECONDS / up, down, LIMIT_SECONDS / down, freeUp, freeDown);
      assertThat(up)
          .as("upload seconds: never faster than the limit + 10 %")
          .isGreaterThanOrEqualTo(LIMIT_SECONDS / 1.1);
      assertThat(up)
          .as("upload seconds: the limiter holds it no longer than the limit − 10 %")
          .isLessThanOrEqualTo(LIMIT_SECONDS / 0.9 + freeUp);
      assertThat(down)
          .as("download seconds: never faster than the limit + 10 %")
          .isGreaterThanOrEqualTo(LIMIT_SECONDS / 1.1);
      assertThat(down)
          .as("download seconds: the limiter holds it no longer than the limit − 10 %")
          .isLessThanOrEqualTo(LIMIT_SECONDS / 0.9 + freeDown);
    } finally {
      dav.shutdown();
    }
  }

  private static ServedVolume serve(NasServer server, String bucket, long limit) throws Exception {
    return server.serveBucket(
        NasS3.factory(),
        NasS3.target(),
        bucket,
        "",
        new NasOptions(CacheMode.OFF, 0, limit, limit, false, null),
        NasEvents.none());
  }

  private static double put(Sardine dav, String url, byte[] data) throws IOException {
    long t0 = System.nanoTime();
    dav.put(url, new ByteArrayInputStream(data), "application/octet-stream", false, data.length);
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double get(Sardine dav, String url, byte[] expected) throws IOException {
    long t0 = System.nanoTime();
    byte[] back;
    try (InputStream in = dav.get(url)) {
      back = in.readAllBytes();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    assertThat(back).isEqualTo(expected);
    return s;
  }
}
