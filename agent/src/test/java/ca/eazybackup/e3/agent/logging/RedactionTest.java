package ca.eazybackup.e3.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class RedactionTest {
  @TempDir Path dir;

  @AfterEach
  void restoreTestLogging() {
    LoggingSetup.toConsole();
  }

  @Test
  void secretsLoggedByMistakeNeverReachTheFiles() throws Exception {
    String registered = "sk-registered-9f8e7d6c5b4a";
    Redactor.global().register(registered);
    LoggingSetup.toFiles(dir.resolve("logs"), dir.resolve("runs"));
    Logger log = LoggerFactory.getLogger("redaction-test");

    MDC.put("run_id", "42");
    try {
      log.info("job.debug secret={} note=visible", registered);
      log.info("oops password=hunter2hunter2 and X-Agent-Token: tok-abc-123456");
      log.info("body {\"dest_secret_key\":\"wJalrXUtnFEMI/K7MDENG\",\"bucket\":\"b1\"}");
      log.warn("failed", new IllegalStateException("repository_password=correct-horse-battery"));
    } finally {
      MDC.remove("run_id");
    }
    LoggingSetup.toConsole(); // closes the files

    String agentLog = Files.readString(dir.resolve("logs/agent.log"), StandardCharsets.UTF_8);
    String runLog = Files.readString(dir.resolve("runs/run_42.log"), StandardCharsets.UTF_8);
    for (String text : new String[] {agentLog, runLog}) {
      assertThat(text)
          .doesNotContain(registered)
          .doesNotContain("hunter2hunter2")
          .doesNotContain("tok-abc-123456")
          .doesNotContain("wJalrXUtnFEMI")
          .doesNotContain("correct-horse-battery")
          .contains("note=visible")
          .contains("\"bucket\":\"b1\"")
          .contains("***");
    }
    // One line per event, even with a stack trace.
    assertThat(runLog.lines().count()).isEqualTo(4);
    assertThat(runLog).contains("run_id=42");
  }

  @Test
  void redactorMasksByNameAndByValue() {
    Redactor r = new Redactor();
    r.register("AKEXAMPLE0000000001");

    assertThat(r.redact("key AKEXAMPLE0000000001 used")).isEqualTo("key *** used");
    assertThat(r.redact("AgentToken=abc")).isEqualTo("AgentToken=***");
    assertThat(r.redact("{\"password\":\"p\\\"q\"}")).isEqualTo("{\"password\":\"***\"}");
    assertThat(r.redact("files_done=3 bytes=10")).isEqualTo("files_done=3 bytes=10");
  }

  @Test
  void aRunsSecretsAreMaskedWhileItRunsAndLetGoOfWhenItEnds() {
    Redactor r = new Redactor();
    r.register("agent-token-kept-for-good");
    for (int run = 0; run < 2_000; run++) {
      try (Redactor.Scope s = r.scope("password-of-run-" + run, "key-of-run-" + run, null, "ab")) {
        assertThat(r.redact("pw password-of-run-" + run + " key key-of-run-" + run))
            .isEqualTo("pw *** key ***");
      }
    }
    assertThat(r.heldCount()).as("only the agent's token is still held").isEqualTo(1);
    assertThat(r.redact("t agent-token-kept-for-good")).isEqualTo("t ***");
    assertThat(r.redact("pw password-of-run-7")).isEqualTo("pw password-of-run-7");
  }

  @Test
  void aKeySharedByTwoRunsStaysMaskedUntilBothEnd() {
    Redactor r = new Redactor();
    Redactor.Scope backup = r.scope("shared-bucket-key");
    Redactor.Scope restore = r.scope("shared-bucket-key", "restore-only-password");
    backup.close();
    backup.close(); // closing twice lets go once
    assertThat(r.redact("shared-bucket-key")).isEqualTo("***");
    restore.close();
    assertThat(r.heldCount()).isZero();
  }

  @Test
  void aSecretContainingAnotherIsMaskedWholeAcrossScopes() {
    Redactor r = new Redactor();
    r.register("abcd");
    try (Redactor.Scope s = r.scope("xxabcdyy")) {
      assertThat(r.redact("[xxabcdyy] [abcd]")).isEqualTo("[***] [***]");
    }
  }
}
