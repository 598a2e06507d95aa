package ca.eazybackup.e3.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.eazybackup.e3.agent.testing.FakeAddon;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a real HTTP server answering with the golden files of docs/api-examples, and
 * the client's requests compared with the golden requests.
 */
class AgentApiClientTest {
  private FakeAddon addon;
  private AgentApiClient client;

  @BeforeEach
  void setUp() throws Exception {
    addon = new FakeAddon();
    client = new AgentApiClient(addon.baseUrl(), FakeAddon.AGENT_ID, FakeAddon.TOKEN);
  }

  @AfterEach
  void tearDown() {
    addon.close();
  }

  @Test
  void parsesEveryFieldOfTheGoldenRun() throws Exception {
    addon.answer("agent_next_run.php", FakeAddon.example("agent_next_run.response.json"));

    RunAssignment run = client.nextRun("HOST").orElseThrow();

    assertThat(run.runId()).isEqualTo(42);
    assertThat(run.jobId()).isEqualTo(7);
    assertThat(run.jobName()).isEqualTo("Documents");
    assertThat(run.runType()).isEqualTo("backup");
    assertThat(run.engine()).isEqualTo("sync");
    assertThat(run.sourceType()).isEqualTo("local_agent");
    assertThat(run.sources()).containsExactly("C:\\Users\\alice\\Documents", "D:\\Photos");
    assertThat(run.destType()).isEqualTo("s3");
    assertThat(run.destBucket()).isEqualTo("alice-backups");
    assertThat(run.destPrefix()).isEqualTo("laptop/documents");
    assertThat(run.destLocalPath()).isNull();
    assertThat(run.destEndpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(run.destRegion()).isEqualTo("us-east-1");
    assertThat(run.destAccessKey()).isEqualTo("AKEXAMPLE0000000001");
    assertThat(run.destSecretKey()).isEqualTo("example-secret-key-000000000000000000001");
    assertThat(run.bucketAutoCreate()).isTrue();
    assertThat(run.localExcludeGlob()).isEqualTo("**/*.tmp\n**/~$*");
    assertThat(run.parallelism()).isEqualTo(4);
    assertThat(run.encryptionMode()).isEqualTo("AES256-GCM-HMAC-SHA256");
    assertThat(run.compression()).isEqualTo("zstd");
    assertThat(run.repositoryPassword()).isEqualTo("example-repository-password");
    assertThat(run.schedule().path("time").asText()).isEqualTo("02:30");
    assertThat(run.retention().path("keep_latest").asInt()).isEqualTo(10);
    assertThat(run.policy().path("mirror").asBoolean(true)).isFalse();
    assertThat(run.networkCredentials().username()).isEqualTo("alice");
    assertThat(run.networkCredentials().domain()).isEqualTo("CORP");
    assertThat(run.reclaimed()).isFalse();
    assertThat(run.toString())
        .doesNotContain(
            "example-secret-key", "example-repository-password", "example-share-password");
    JsonNode sent = addon.requests("agent_next_run.php").get(0).body();
    assertThat(sent.path("hostname").asText()).isEqualTo("HOST");
  }

  @Test
  void noWorkIsAnEmptyAnswer() throws Exception {
    addon.answer("agent_next_run.php", FakeAddon.example("agent_next_run.empty.response.json"));

    assertThat(client.nextRun(null)).isEqualTo(Optional.empty());
    assertThat(addon.requests("agent_next_run.php").get(0).body())
        .isEqualTo(FakeAddon.example("agent_next_run.request.json"));
  }

  @Test
  void parsesTheGoldenCommandsIncludingTheRestoreJob() throws Exception {
    addon.answer(
        "agent_poll_pending_commands.php",
        FakeAddon.example("agent_poll_pending_commands.response.json"));

    List<AgentCommand> commands = client.pollCommands();

    assertThat(commands)
        .extracting(AgentCommand::type)
        .containsExactly("cancel", "browse_directory", "restore", "nas_mount");
    assertThat(commands.get(0).runId()).isEqualTo(42);
    assertThat(commands.get(1).payload().path("path").asText()).isEqualTo("C:\\Users");
    AgentCommand restore = commands.get(2);
    assertThat(restore.payload().path("restore_run_id").asLong()).isEqualTo(44);
    assertThat(restore.job().runId()).isEqualTo(44);
    assertThat(restore.job().runType()).isEqualTo("restore");
    assertThat(restore.job().repositoryPassword()).isNull();
    assertThat(commands.get(3).payload().path("drive_letter").asText()).isEqualTo("Y");
    assertThat(commands.get(3).toString()).doesNotContain("example-secret-key");
    assertThat(addon.requests("agent_poll_pending_commands.php").get(0).body())
        .isEqualTo(FakeAddon.example("agent_poll_pending_commands.request.json"));
  }

  @Test
  void updateRunSendsOnlyContractFieldsAndReadsTheCancelFlag() throws Exception {
    addon.answer("agent_update_run.php", FakeAddon.example("agent_update_run.response.json"));
    ObjectNode golden = (ObjectNode) FakeAddon.example("agent_update_run.request.json");

    UpdateRunResponse r = client.updateRun(golden.deepCopy());

    assertThat(r.runStatus()).isEqualTo("running");
    assertThat(r.cancelRequested()).isFalse();
    assertThat(addon.requests("agent_update_run.php").get(0).body()).isEqualTo(golden);
  }

  @Test
  void pushedEventsMatchTheGoldenRequest() throws Exception {
    addon.answer("agent_push_events.php", FakeAddon.example("agent_push_events.response.json"));
    JsonNode golden = FakeAddon.example("agent_push_events.request.json");
    List<RunEvent> events = new ArrayList<>();
    for (JsonNode e : golden.get("events")) {
      Map<String, Object> params = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = e.get("params").fields();
      while (it.hasNext()) {
        var f = it.next();
        params.put(
            f.getKey(),
            f.getValue().isNumber() ? f.getValue().numberValue() : f.getValue().asText());
      }
      events.add(
          new RunEvent(
              e.get("seq").asLong(),
              Instant.parse(e.get("ts").asText()),
              e.get("type").asText(),
              e.get("level").asText(),
              e.get("code").asText(),
              e.get("message").asText(),
              params));
    }

    int accepted = client.pushEvents(42, events);

    assertThat(accepted).isEqualTo(2);
    assertThat(addon.requests("agent_push_events.php").get(0).body()).isEqualTo(golden);
  }

  @Test
  void completeCommandMatchesTheGoldenRequest() throws Exception {
    client.completeCommand(5, true, "run 42 cancelled");

    assertThat(addon.requests("agent_complete_command.php").get(0).body())
        .isEqualTo(FakeAddon.example("agent_complete_command.request.json"));
  }

  @Test
  void browseReportMatchesTheGoldenRequests() throws Exception {
    JsonNode golden = FakeAddon.example("agent_report_browse.drives.request.json");

    client.reportBrowse(9, (ObjectNode) golden.get("result").deepCopy());
    client.reportBrowseError(10, "path escapes the volume");

    List<FakeAddon.Request> sent = addon.requests("agent_report_browse.php");
    assertThat(sent.get(0).body()).isEqualTo(golden);
    assertThat(sent.get(1).body().path("error").asText()).isEqualTo("path escapes the volume");
  }

  @Test
  void nasStatusMatchesTheGoldenRequest() throws Exception {
    client.updateNasStatus(3, "mounted", null, 104_857_600L, null);

    assertThat(addon.requests("cloudnas_update_status.php").get(0).body())
        .isEqualTo(FakeAddon.example("cloudnas_update_status.request.json"));
  }

  @Test
  void wrongTokenIsAPermanentUnauthorizedError() {
    AgentApiClient wrong = new AgentApiClient(addon.baseUrl(), FakeAddon.AGENT_ID, "nope");

    ApiException e = catchThrowableOfType(ApiException.class, () -> wrong.nextRun(null));

    assertThat(e.httpStatus()).isEqualTo(401);
    assertThat(e.isTransient()).isFalse();
    assertThat(e.getMessage()).contains("invalid agent credentials");
  }

  @Test
  void validationAndNotFoundAnswersCarryTheAddonsMessage() {
    addon.answer("agent_update_run.php", FakeAddon.example("error.validation.response.json"));
    ApiException validation =
        catchThrowableOfType(
            ApiException.class, () -> client.updateRun(FakeAddon.JSON.createObjectNode()));
    assertThat(validation.getMessage())
        .contains("source_path is required")
        .contains("field source_path");
    assertThat(validation.isTransient()).isFalse();
  }

  @Test
  void fetchJobsReadsTheLegacyList() throws Exception {
    ObjectNode answer = FakeAddon.JSON.createObjectNode().put("status", "success");
    JsonNode job = FakeAddon.example("agent_next_run.response.json").get("run");
    answer.putArray("jobs").add(job);
    addon.answer("agent_fetch_jobs.php", answer);

    List<RunAssignment> jobs = client.fetchJobs();

    assertThat(jobs)
        .singleElement()
        .satisfies(j -> assertThat(j.destBucket()).isEqualTo("alice-backups"));
  }
}
