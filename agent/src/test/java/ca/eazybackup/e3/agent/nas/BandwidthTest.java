package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-volume upload and download limits (the addon's Cloud NAS settings, KB/s) through the agent's
 * shared TokenBucket: a transfer through WebDAV runs within ±10 % of the limit.
 */
class BandwidthTest {
  static final long LIMIT = 1024 * 1024; // 1 MiB/s
  static final int SIZE = 6 * 1024 * 1024;

  @Test
  void uploadsAndDownloadsHoldTheirLimits() throws Exception {
    String bucket = NasS3.newBucket("bandwidth");
    byte[] data = new byte[SIZE];
    new Random(5).nextBytes(data);
    Sardine dav = SardineFactory.begin();
    try (NasServer server = NasServer.start(0);
        ServedVolume v =
            server.serveBucket(
                NasS3.factory(),
                NasS3.target(),
                bucket,
                "",
                new NasOptions(CacheMode.OFF, 0, LIMIT, LIMIT, false, null),
                NasEvents.none())) {
      String u = v.url().toString();
      dav.put(u + "warm.bin", new byte[1024]); // connections and JIT, not measured
      long t0 = System.nanoTime();
      dav.put(
          u + "six.bin", new ByteArrayInputStream(data), "application/octet-stream", false, SIZE);
      double up = SIZE / ((System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      byte[] back;
      try (InputStream in = dav.get(u + "six.bin")) {
        back = in.readAllBytes();
      }
      double down = SIZE / ((System.nanoTime() - t0) / 1e9);
      assertThat(back).isEqualTo(data);
      System.out.printf(
          "nas bandwidth: limit %d B/s, upload %.0f B/s (%.3fx), download %.0f B/s (%.3fx)%n",
          LIMIT, up, up / LIMIT, down, down / LIMIT);
      assertThat(up / LIMIT).as("upload rate / limit").isBetween(0.9, 1.1);
      assertThat(down / LIMIT).as("download rate / limit").isBetween(0.9, 1.1);
    } finally {
      dav.shutdown();
    }
  }
}
