package ca.eazybackup.e3.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigFileTest {
  @TempDir Path dir;

  private Path write(String text) throws Exception {
    return Files.writeString(dir.resolve("agent.conf"), text);
  }

  @Test
  void readsEveryKeyWithCommentsAndBlankLines() throws Exception {
    Path file =
        write(
            """
            # e3 agent
            ApiBaseURL=http://127.0.0.1:8080/modules/addons/cloudstorage/api
            AgentID = 7
            AgentToken=abc123token

            PollIntervalSecs=0.5
            RunsDir=%s
            KopiaCacheDir=cache
            LogDir=logs
            Hostname=LAPTOP-1
            """
                .formatted(dir.resolve("r")));

    AgentConfig c = AgentConfigFile.load(file);

    assertThat(c.apiBaseUrl().toString())
        .isEqualTo("http://127.0.0.1:8080/modules/addons/cloudstorage/api/");
    assertThat(c.agentId()).isEqualTo(7);
    assertThat(c.agentToken()).isEqualTo("abc123token");
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.runsDir()).isEqualTo(dir.resolve("r"));
    assertThat(c.kopiaCacheDir()).isEqualTo(dir.resolve("cache"));
    assertThat(c.logDir()).isEqualTo(dir.resolve("logs"));
    assertThat(c.hostname()).isEqualTo("LAPTOP-1");
    assertThat(c.warnings()).isEmpty();
    assertThat(c.toString()).doesNotContain("abc123token");
  }

  @Test
  void defaultsFollowTheSeed() throws Exception {
    AgentConfig c =
        AgentConfigFile.load(write("ApiBaseURL=https://h/api/\nAgentID=1\nAgentToken=t0ken\n"));

    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.runsDir()).isEqualTo(dir.resolve("runs"));
    assertThat(c.kopiaCacheDir()).isEqualTo(dir.resolve("runs").resolve("kopia"));
    assertThat(c.hostname()).isNotBlank();
  }

  @Test
  void unknownKeyIsAWarningNotAnError() throws Exception {
    AgentConfig c =
        AgentConfigFile.load(
            write("ApiBaseURL=https://h/api/\nAgentID=1\nAgentToken=t0ken\nColour=blue\n"));

    assertThat(c.warnings()).singleElement().asString().contains("Colour").contains("line 4");
  }

  @Test
  void missingAgentIdNamesTheFieldAndTheFile() throws Exception {
    Path file = write("ApiBaseURL=https://h/api/\nAgentToken=t\n");

    assertThatThrownBy(() -> AgentConfigFile.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("AgentID")
        .hasMessageContaining(file.toString());
  }

  @Test
  void badValuesNameTheField() throws Exception {
    assertThatThrownBy(
            () -> AgentConfigFile.load(write("ApiBaseURL=ftp://h/\nAgentID=1\nAgentToken=t\n")))
        .hasMessageContaining("ApiBaseURL");
    assertThatThrownBy(
            () ->
                AgentConfigFile.load(write("ApiBaseURL=http://h/\nAgentID=seven\nAgentToken=t\n")))
        .hasMessageContaining("AgentID")
        .hasMessageContaining("seven");
    assertThatThrownBy(
            () ->
                AgentConfigFile.load(
                    write("ApiBaseURL=http://h/\nAgentID=1\nAgentToken=t\nPollIntervalSecs=-2\n")))
        .hasMessageContaining("PollIntervalSecs");
  }

  @Test
  void lineWithoutEqualsIsRejectedWithoutEchoingASecret() throws Exception {
    Path file = write("ApiBaseURL=http://h/\nAgentID=1\nsupersecrettokenvalue\n");

    assertThatThrownBy(() -> AgentConfigFile.load(file))
        .hasMessageContaining("line 3")
        .hasMessageNotContaining("supersecrettokenvalue");
  }

  @Test
  void missingFileSaysHowToFixIt() {
    assertThatThrownBy(() -> AgentConfigFile.load(dir.resolve("nope.conf")))
        .hasMessageContaining("nope.conf")
        .hasMessageContaining("--config");
  }

  @Test
  void endpointFileNameInTheUrlIsTolerated() throws Exception {
    AgentConfig c =
        AgentConfigFile.load(
            write("ApiBaseURL=http://h/api/agent_next_run.php\nAgentID=1\nAgentToken=t0ken\n"));

    assertThat(c.apiBaseUrl().toString()).isEqualTo("http://h/api/");
  }

  @Test
  void defaultLocationIsXdgStyleOffWindows() {
    Path p = AgentConfigFile.defaultDataDir(Map.of("XDG_CONFIG_HOME", dir.toString()));

    if (!System.getProperty("os.name").toLowerCase().startsWith("windows")) {
      assertThat(p).isEqualTo(dir.resolve("e3backup"));
    } else {
      assertThat(p.toString()).endsWith("E3Backup");
    }
  }
}
