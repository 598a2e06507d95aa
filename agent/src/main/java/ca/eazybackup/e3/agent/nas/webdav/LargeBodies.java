package ca.eazybackup.e3.agent.nas.webdav;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * How a large file's GET is written to the client. Jetty writes any array larger than the
 * response's buffer (32 KiB by default) in slices of that buffer, each one blocking write through
 * its completion machinery: a 200 MiB GET was 6,400 {@code writev} calls, and on a fresh JVM the C2
 * compilation of that per-slice path was most of the first reads' CPU (perf/nas-bench.sh's GET,
 * docs/performance.md "Cloud NAS reads"). A 1 MiB buffer makes it 200 writes of 1 MiB; the bytes
 * are copied once into Jetty's buffer either way (a heap array goes through the JDK's temporary
 * direct buffer otherwise).
 *
 * <p>Only whole-file GETs of at least {@link #BUFFER} bytes get it: Jetty's pool keeps buffers of
 * 64 KiB at most, so each such response allocates its own, which a small file or a small range
 * (Office and Explorer read headers with ranges) would pay for nothing. The price is that the
 * client sees the body in 1 MiB steps: on a throttled or slow S3 the first byte waits for the first
 * MiB, the total time does not change.
 */
final class LargeBodies {
  static final int BUFFER = 1 << 20;

  private LargeBodies() {}

  /** Sets the response's buffer for a GET of a file of {@code size} bytes. */
  static void buffer(HttpServletRequest req, HttpServletResponse resp, long size) {
    if (size >= BUFFER && req.getHeader("Range") == null) {
      resp.setBufferSize(BUFFER);
    }
  }
}
