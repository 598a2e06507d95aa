package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.config.AgentConfig;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.testing.FakeAddon;
import ca.eazybackup.e3.shims.WindowsHost;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Builds a runtime against a {@link FakeAddon} with test-sized timings. */
final class RuntimeHarness {
  private RuntimeHarness() {}

  static AgentConfig config(FakeAddon addon, Path dir) {
    return new AgentConfig(
        dir.resolve("agent.conf"),
        addon.baseUrl(),
        FakeAddon.AGENT_ID,
        FakeAddon.TOKEN,
        Duration.ofMillis(50),
        Duration.ofSeconds(60),
        dir.resolve("runs"),
        dir.resolve("runs").resolve("kopia"),
        dir.resolve("logs"),
        "test-host",
        List.of());
  }

  static RuntimeSettings settings() {
    return new RuntimeSettings(
        Duration.ofMillis(50),
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofMillis(20),
        Duration.ofMillis(200),
        Duration.ofMillis(20));
  }

  static AgentRuntime start(
      FakeAddon addon, Path dir, RuntimeSettings settings, WindowsHost host, Engine... engines) {
    AgentRuntime runtime =
        new AgentRuntime(
            config(addon, dir),
            settings,
            new AgentApiClient(
                addon.baseUrl(),
                FakeAddon.AGENT_ID,
                FakeAddon.TOKEN,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5)),
            new EngineRegistry(engines),
            host,
            new S3ClientFactory(),
            Clock.systemUTC());
    runtime.start();
    return runtime;
  }
}
