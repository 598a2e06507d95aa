package ca.eazybackup.e3.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSecretsTest {
  @TempDir Path dir;

  @Test
  void theInstallerWritesASealedTokenInAFileOnlyAdministratorsRead() throws Exception {
    SimulatedWindowsHost host = SimulatedWindowsHost.builder(dir.resolve("win")).build();
    Path conf = dir.resolve("E3Backup").resolve("agent.conf");

    ConfigSecrets.write(conf, URI.create("https://addon.example/api/"), 42, "tok-installer", host);

    String text = Files.readString(conf);
    assertThat(text).contains("AgentToken=dpapi:").doesNotContain("tok-installer");
    assertThat(Files.getPosixFilePermissions(conf))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    AgentConfig cfg = AgentConfigFile.load(conf, host.dataProtection());
    assertThat(cfg.agentToken()).isEqualTo("tok-installer");
    assertThat(cfg.agentId()).isEqualTo(42);
  }

  @Test
  void protectSealsThePlainTokenOfAnExistingConfigAndKeepsItsOtherLines() throws Exception {
    SimulatedWindowsHost host = SimulatedWindowsHost.builder(dir.resolve("win")).build();
    Path conf =
        Files.writeString(
            dir.resolve("agent.conf"),
            "# mine\nApiBaseURL=http://h/api/\nAgentID=3\nAgentToken=plain-tok\nPollIntervalSecs=2\n");

    ConfigSecrets.protect(conf, host);

    assertThat(Files.readString(conf))
        .startsWith("# mine\n")
        .contains("PollIntervalSecs=2")
        .doesNotContain("plain-tok");
    assertThat(AgentConfigFile.load(conf, host.dataProtection()).agentToken())
        .isEqualTo("plain-tok");
    assertThat(ConfigSecrets.rawToken(conf).orElseThrow()).startsWith("dpapi:");
  }

  @Test
  void aSealedTokenCopiedToAnotherMachineOrReadWithoutDpapiIsAClearConfigError() throws Exception {
    SimulatedWindowsHost pc1 = SimulatedWindowsHost.builder(dir.resolve("pc1")).build();
    SimulatedWindowsHost pc2 = SimulatedWindowsHost.builder(dir.resolve("pc2")).build();
    Path conf = dir.resolve("agent.conf");
    ConfigSecrets.write(conf, URI.create("http://h/api/"), 1, "tok", pc1);

    assertThatThrownBy(() -> AgentConfigFile.load(conf, pc2.dataProtection()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot be unprotected on this machine")
        .hasMessageContaining("NTE_BAD_KEY_STATE");
    assertThatThrownBy(() -> AgentConfigFile.load(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("protected with DPAPI");
  }
}
