package ca.eazybackup.e3.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.testing.FakeAddon;
import ca.eazybackup.e3.agent.testing.TestHost;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.shims.ServiceState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;
  private FakeAddon addon;
  private final TestHost host = new TestHost();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    addon = new FakeAddon();
  }

  @AfterEach
  void tearDown() {
    addon.close();
  }

  private Path config(String token) throws Exception {
    return Files.writeString(
        dir.resolve("agent.conf"),
        "ApiBaseURL="
            + addon.baseUrl()
            + "\nAgentID="
            + FakeAddon.AGENT_ID
            + "\nAgentToken="
            + token
            + "\nRunsDir="
            + dir.resolve("runs")
            + "\nLogDir="
            + dir.resolve("logs")
            + "\n");
  }

  private String doctor(Path config) {
    int code = new Doctor(new PrintStream(out, true, StandardCharsets.UTF_8), host).check(config);
    return code + "\n" + out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void versionExitsZero() {
    assertThat(AgentMain.execute(() -> host, "version")).isZero();
  }

  @Test
  void runWithAMissingConfigExitsWithTheConfigCodeAndAcceptsTheGoFlag() {
    assertThat(AgentMain.execute(() -> host, "run", "-config", dir.resolve("none.conf").toString()))
        .isEqualTo(RunCommand.EXIT_CONFIG);
    assertThat(
            AgentMain.execute(() -> host, "run", "--config", dir.resolve("none.conf").toString()))
        .isEqualTo(RunCommand.EXIT_CONFIG);
  }

  @Test
  void serviceInstallRegistersThisBinaryAsAServiceProgram() throws Exception {
    Path cfg = config(FakeAddon.TOKEN);

    int code = AgentMain.execute(() -> host, "service", "install", "--config", cfg.toString());

    assertThat(code).isZero();
    assertThat(host.serviceCalls).hasSize(2);
    assertThat(host.serviceCalls.get(0))
        .startsWith("install E3BackupAgent")
        .contains(" -Xrs ")
        .contains(" service run --config " + cfg.toAbsolutePath());
    // Windows' 10 s default preshutdown timeout is raised so a run's stop can reach the addon.
    assertThat(host.serviceCalls.get(1)).isEqualTo("preshutdown E3BackupAgent 30000");
    assertThat(AgentMain.execute(() -> host, "service", "stop")).isZero();
    assertThat(host.serviceCalls).last().isEqualTo("stop E3BackupAgent");
  }

  @Test
  void doctorIsHealthyWhenTheAddonAnswers() throws Exception {
    String report = doctor(config(FakeAddon.TOKEN));

    assertThat(report).startsWith("0\n");
    assertThat(report).contains("OK   addon").contains("OK   elevation").contains("OK   webclient");
    assertThat(report).contains("verdict: healthy");
    assertThat(addon.requests("agent_fetch_jobs.php")).hasSize(1);
  }

  @Test
  void doctorFailsOnAWrongTokenAndWarnsAboutElevationAndWebClient() throws Exception {
    host.elevated = true;
    host.webClient = ServiceState.STOPPED;

    String report = doctor(config("wrong-token-xyz"));

    assertThat(report).startsWith("1\n");
    assertThat(report).contains("FAIL addon").contains("check AgentID and AgentToken");
    assertThat(report).contains("WARN elevation").contains("WARN webclient");
    assertThat(report).doesNotContain("wrong-token-xyz");
  }

  @Test
  void doctorWarnsAboutAnUnsealedTokenUntilServiceProtectSealsIt() throws Exception {
    var win = ca.eazybackup.e3.shims.sim.SimulatedWindowsHost.builder(dir.resolve("win")).build();
    Path cfg = config(FakeAddon.TOKEN);
    java.nio.file.Files.setPosixFilePermissions(
        cfg, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

    String before = doctorOn(win, cfg);
    assertThat(before).contains("WARN secrets").contains("stored unprotected");
    assertThat(before).contains("readable by group, others");

    assertThat(AgentMain.execute(() -> win, "service", "protect", "--config", cfg.toString()))
        .isZero();

    String after = doctorOn(win, cfg);
    assertThat(after).contains("OK   secrets    AgentToken sealed with DPAPI");
    assertThat(after).doesNotContain("WARN secrets").contains("OK   addon");
  }

  private String doctorOn(ca.eazybackup.e3.shims.WindowsHost win, Path config) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    new Doctor(new PrintStream(buffer, true, StandardCharsets.UTF_8), win).check(config);
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void doctorFailsOnABrokenConfigNamingTheField() throws Exception {
    Path cfg = Files.writeString(dir.resolve("agent.conf"), "AgentID=1\nAgentToken=t0ken\n");

    String report = doctor(cfg);

    assertThat(report).startsWith("1\n").contains("FAIL config").contains("ApiBaseURL");
  }

  @Test
  void doctorChecksEachBucketOfTheAgentsJobsWithHeadBucket() throws Exception {
    try (S3Fixture s3 = S3Fixture.startOrSkip()) {
      s3.createBucket("present-bucket");
      ObjectNode answer = FakeAddon.JSON.createObjectNode().put("status", "success");
      var jobs = answer.putArray("jobs");
      jobs.add(job(s3, "present-bucket"));
      jobs.add(job(s3, "missing-bucket"));
      addon.answer("agent_fetch_jobs.php", answer);

      String report = doctor(config(FakeAddon.TOKEN));

      assertThat(report).startsWith("1\n");
      assertThat(report).contains("OK   s3         bucket 'present-bucket'");
      assertThat(report).contains("FAIL s3         bucket 'missing-bucket'");
      assertThat(report).doesNotContain(s3.secretKey());
    }
  }

  private static ObjectNode job(S3Fixture s3, String bucket) {
    ObjectNode job = FakeAddon.run(1, "sync", "C:\\x");
    job.remove("run_id");
    job.put("dest_endpoint", s3.endpoint().toString());
    job.put("dest_region", s3.region());
    job.put("dest_access_key", s3.accessKey());
    job.put("dest_secret_key", s3.secretKey());
    job.put("dest_bucket", bucket);
    job.put("bucket_auto_create", false);
    return job;
  }
}
