package ca.eazybackup.e3.agent.nas.webdav;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which GETs get the large response buffer (the bytes themselves: WebDavBasicsTest). */
class LargeBodiesTest {

  /** The buffer size the response was given, or -1 when it was left alone. */
  private static int bufferFor(long size, Map<String, String> headers) {
    HttpServletRequest req =
        (HttpServletRequest)
            Proxy.newProxyInstance(
                LargeBodiesTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (p, m, a) -> m.getName().equals("getHeader") ? headers.get((String) a[0]) : null);
    AtomicInteger set = new AtomicInteger(-1);
    HttpServletResponse resp =
        (HttpServletResponse)
            Proxy.newProxyInstance(
                LargeBodiesTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (p, m, a) -> {
                  if (m.getName().equals("setBufferSize")) {
                    set.set((Integer) a[0]);
                  }
                  return null;
                });
    LargeBodies.buffer(req, resp, size);
    return set.get();
  }

  @Test
  void aWholeLargeFileIsWrittenInOneMebibyteSteps() {
    assertThat(bufferFor(200L << 20, Map.of())).isEqualTo(1 << 20);
    assertThat(bufferFor(1 << 20, Map.of())).isEqualTo(1 << 20);
  }

  @Test
  void smallFilesAndRangesKeepJettysPooledBuffer() {
    assertThat(bufferFor((1 << 20) - 1, Map.of())).isEqualTo(-1);
    assertThat(bufferFor(200L << 20, Map.of("Range", "bytes=0-99"))).isEqualTo(-1);
  }
}
