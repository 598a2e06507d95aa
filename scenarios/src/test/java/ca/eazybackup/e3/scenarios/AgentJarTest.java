package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The scenarios run the agent from its shaded jar; prove the reactor built a runnable one. */
class AgentJarTest {

  @Test
  void agentJarIsBuiltAndRunnable() throws IOException {
    assertThat(Files.isRegularFile(SharedSystem.agentJar())).isTrue();
    try (JarFile jar = new JarFile(SharedSystem.agentJar().toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("ca.eazybackup.e3.agent.cli.AgentMain");
    }
  }
}
