package ca.eazybackup.e3.agent.netshare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.api.RunAssignment.NetworkCredentials;
import ca.eazybackup.e3.agent.testing.RecordingProgress;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class NetworkShareSessionTest {
  private static final String PASSWORD = "S3cr3t-Passw0rd!";
  private static final String DOCS = "\\\\fileserver\\documents";
  private static final String PHOTOS = "\\\\fileserver\\photos";

  @TempDir Path root;
  private Path journal;
  private SimulatedWindowsHost host;
  private final RecordingProgress progress = new RecordingProgress();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Logger rootLogger;
  private Level previousLevel;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(root.resolve("shares/fileserver/documents/Finance"));
    Files.createDirectories(root.resolve("shares/fileserver/photos"));
    Files.writeString(
        root.resolve("share-credentials.json"),
        "[{\"share\":\"\\\\\\\\fileserver\\\\documents\",\"username\":\"alice\",\"domain\":\"CORP\","
            + "\"password\":\""
            + PASSWORD
            + "\"},"
            + "{\"share\":\"\\\\\\\\fileserver\\\\photos\",\"username\":\"alice\",\"domain\":\"CORP\","
            + "\"password\":\""
            + PASSWORD
            + "\"}]");
    journal = root.resolve("journal.jsonl");
    host = SimulatedWindowsHost.builder(root).journal(journal).build();
    rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = rootLogger.getLevel();
    rootLogger.setLevel(Level.TRACE);
    logs.start();
    rootLogger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    rootLogger.detachAppender(logs);
    rootLogger.setLevel(previousLevel);
  }

  private static NetworkCredentials creds(String user, String password, String domain) {
    return new NetworkCredentials(user, password, domain);
  }

  private List<String> journalOps() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> ops = new ArrayList<>();
    if (!Files.exists(journal)) {
      return ops;
    }
    for (String line : Files.readAllLines(journal)) {
      JsonNode node = json.readTree(line);
      ops.add(
          node.get("op").asText()
              + " "
              + node.get("share").asText()
              + " "
              + node.get("result").asText());
    }
    return ops;
  }

  /** Every log line (with stack traces), event and journal line, as one text to grep. */
  private String everythingRecorded(Throwable... thrown) throws Exception {
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent e : logs.list) {
      all.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    for (RecordingProgress.Event e : progress.events) {
      all.append(e).append('\n');
    }
    for (Throwable t : thrown) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        all.append(c).append('\n');
      }
    }
    all.append(Files.exists(journal) ? Files.readString(journal) : "");
    Path state = root.resolve("state.json");
    all.append(Files.exists(state) ? Files.readString(state) : "");
    return all.toString();
  }

  @Test
  void logsOnToEachDistinctShareBeforeTheRunAndOffAfterIt() throws Exception {
    List<String> sources =
        List.of(
            DOCS + "\\Finance",
            DOCS.toUpperCase(java.util.Locale.ROOT) + "\\Other",
            PHOTOS + "\\2024",
            "C:\\Users");
    try (NetworkShareSession session =
        NetworkShareSession.open(
            host.networkShares(), sources, creds("CORP\\alice", PASSWORD, null), progress)) {
      assertThat(session.connectedShares()).containsExactly(DOCS, PHOTOS);
      assertThat(host.resolve(DOCS + "\\Finance"))
          .isEqualTo(root.resolve("shares/fileserver/documents/Finance"));
    }
    assertThatThrownBy(() -> host.resolve(DOCS + "\\Finance"))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.error()).isEqualTo(Win32Error.ERROR_ACCESS_DENIED));
    assertThat(journalOps())
        .containsExactly(
            "share.connect " + DOCS + " ok",
            "share.connect " + PHOTOS + " ok",
            "share.disconnect " + PHOTOS + " ok",
            "share.disconnect " + DOCS + " ok",
            "share.access " + DOCS + " error");
    assertThat(progress.codes())
        .containsExactly(
            NetworkShareSession.CONNECTED,
            NetworkShareSession.CONNECTED,
            NetworkShareSession.DISCONNECTED,
            NetworkShareSession.DISCONNECTED);
    assertThat(progress.events).allSatisfy(e -> assertThat(e.params()).containsOnlyKeys("share"));
    assertThat(everythingRecorded()).doesNotContain(PASSWORD);
  }

  @Test
  void acceptsTheDomainAsASeparateField() throws Exception {
    try (NetworkShareSession session =
        NetworkShareSession.open(
            host.networkShares(), List.of(DOCS), creds("alice", PASSWORD, "corp"), progress)) {
      assertThat(session.connectedShares()).containsExactly(DOCS);
    }
    assertThat(journalOps()).hasSize(2);
  }

  @Test
  void disconnectsAlsoWhenTheRunFails() throws Exception {
    assertThatThrownBy(
            () -> {
              try (NetworkShareSession session =
                  NetworkShareSession.open(
                      host.networkShares(),
                      List.of(DOCS + "\\x"),
                      creds("CORP\\alice", PASSWORD, null),
                      progress)) {
                throw new IllegalStateException("engine failed");
              }
            })
        .hasMessage("engine failed");
    assertThat(journalOps())
        .containsExactly("share.connect " + DOCS + " ok", "share.disconnect " + DOCS + " ok");
  }

  @Test
  void aWrongPasswordFailsTheRunWithoutLeakingThePassword() throws Exception {
    String wrong = "Wr0ng-" + PASSWORD;
    NetworkShareException failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            NetworkShareException.class,
            () ->
                NetworkShareSession.open(
                    host.networkShares(),
                    List.of(DOCS + "\\Finance"),
                    creds("CORP\\alice", wrong, null),
                    progress));
    assertThat(failure.getMessage())
        .contains(DOCS)
        .contains("CORP\\alice")
        .contains("ERROR_LOGON_FAILURE (1326)");
    assertThat(progress.codes()).containsExactly(NetworkShareSession.FAILED);
    assertThat(progress.events.get(0).params()).isEqualTo(Map.of("share", DOCS));
    assertThat(logs.list)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("network_share_failed"));
    String recorded = everythingRecorded(failure);
    assertThat(recorded).doesNotContain(wrong).doesNotContain(PASSWORD);
  }

  @Test
  void aFailureOnTheSecondShareLogsOffTheFirst() throws Exception {
    Files.createDirectories(root.resolve("shares/nas/backup"));
    Files.writeString(
        root.resolve("share-credentials.json"),
        Files.readString(root.resolve("share-credentials.json"))
            .replace(
                "]",
                ",{\"share\":\"\\\\\\\\nas\\\\backup\",\"username\":\"bob\",\"password\":\"other\"}]"));
    host = SimulatedWindowsHost.builder(root).journal(journal).build();
    assertThatThrownBy(
            () ->
                NetworkShareSession.open(
                    host.networkShares(),
                    List.of(DOCS, "\\\\nas\\backup\\vm"),
                    creds("CORP\\alice", PASSWORD, null),
                    progress))
        .isInstanceOf(NetworkShareException.class)
        .hasMessageContaining("\\\\nas\\backup");
    assertThat(journalOps())
        .containsExactly(
            "share.connect " + DOCS + " ok",
            "share.connect \\\\nas\\backup error",
            "share.disconnect " + DOCS + " ok");
    assertThat(progress.codes())
        .containsExactly(
            NetworkShareSession.CONNECTED,
            NetworkShareSession.FAILED,
            NetworkShareSession.DISCONNECTED);
    assertThat(everythingRecorded()).doesNotContain(PASSWORD);
  }

  @Test
  void localSourcesOrNoCredentialsNeedNoLogon() throws Exception {
    try (NetworkShareSession s =
        NetworkShareSession.open(
            host.networkShares(),
            List.of("C:\\Users", "/srv/x"),
            creds("alice", PASSWORD, null),
            progress)) {
      assertThat(s.connectedShares()).isEmpty();
    }
    try (NetworkShareSession s =
        NetworkShareSession.open(host.networkShares(), List.of(DOCS), null, progress)) {
      assertThat(s.connectedShares()).isEmpty();
    }
    try (NetworkShareSession s =
        NetworkShareSession.open(
            host.networkShares(), List.of(DOCS), creds("", PASSWORD, null), progress)) {
      assertThat(s.connectedShares()).isEmpty();
    }
    assertThat(journalOps()).isEmpty();
    assertThat(progress.events).isEmpty();
  }

  @Test
  void aFailedLogoffIsLoggedNotThrown() throws Exception {
    NetworkShareSession session =
        NetworkShareSession.open(
            host.networkShares(), List.of(DOCS), creds("CORP\\alice", PASSWORD, null), progress);
    host.networkShares().disconnect(DOCS); // someone else logged off already
    session.close();
    session.close();
    assertThat(logs.list)
        .anySatisfy(
            e -> assertThat(e.getFormattedMessage()).contains("network_share_disconnect_failed"));
    assertThat(progress.codes()).containsExactly(NetworkShareSession.CONNECTED);
  }

  @Test
  void scrubsAPasswordThatSomehowReachedAMessage() {
    assertThat(NetworkShareSession.scrub("bad pw S3cr3t here", "S3cr3t"))
        .isEqualTo("bad pw *** here");
    assertThat(NetworkShareSession.scrub(null, "x")).isEmpty();
  }
}
