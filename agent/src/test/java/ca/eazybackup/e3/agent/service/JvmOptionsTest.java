package ca.eazybackup.e3.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
  @Test
  void theAgentShipsAHeapCapAndACollectorThatGivesMemoryBack() {
    List<String> options = JvmOptions.agent();

    // Without a cap the JVM sizes its heap from a quarter of the PC's RAM.
    assertThat(options).anyMatch(o -> o.startsWith("-Xmx"));
    assertThat(options).anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"));
    assertThat(options).anyMatch(o -> o.startsWith("-XX:MaxHeapFreeRatio="));
    assertThat(options).allMatch(o -> o.startsWith("-") && !o.contains(" "));
  }

  @Test
  void commentsAndBlankLinesAreNotOptions() {
    assertThat(JvmOptions.parse("# why\n\n-Xmx1g\r\n  -XX:+UseSerialGC  \n#-Xss1m\n"))
        .containsExactly("-Xmx1g", "-XX:+UseSerialGC");
  }
}
