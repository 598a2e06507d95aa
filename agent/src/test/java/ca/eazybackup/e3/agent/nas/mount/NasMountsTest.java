package ca.eazybackup.e3.agent.nas.mount;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import ca.eazybackup.e3.shims.WindowsKeys;
import ca.eazybackup.e3.shims.sim.NetworkDrive;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cloud NAS drives end to end below the addon: a real S3 server, the agent's WebDAV server, a real
 * WebDAV client (Sardine) and the simulated Windows host that keeps WebClient's rules.
 */
class NasMountsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static S3Fixture s3;
  private static S3ClientFactory factory;

  @TempDir Path dir;
  private SimulatedWindowsHost host;
  private Path journal;
  private final List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
  private NasMounts mounts;
  private String bucket;

  @BeforeAll
  static void s3() {
    s3 = S3Fixture.start();
    factory = new S3ClientFactory();
  }

  @AfterAll
  static void stopS3() {
    factory.close();
    s3.close();
  }

  @BeforeEach
  void setUp() {
    journal = dir.resolve("journal.jsonl");
    host = SimulatedWindowsHost.builder(dir.resolve("win")).journal(journal).build();
    mounts = newMounts();
    bucket = "nasmount-" + BUCKETS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    s3.createBucket(bucket);
  }

  @AfterEach
  void tearDown() {
    mounts.close();
  }

  private NasMounts newMounts() {
    return newMounts(factory);
  }

  private NasMounts newMounts(S3ClientFactory f) {
    return new NasMounts(
        host,
        f,
        dir.resolve("nas"),
        (id, status, error, cache, warning) -> {
          java.util.HashMap<String, Object> r = new java.util.HashMap<>();
          r.put("mount_id", id);
          r.put("status", status);
          r.put("error", error);
          r.put("cache_bytes_used", cache);
          r.put("warning", warning);
          reports.add(r);
        },
        Duration.ofMillis(100));
  }

  private ObjectNode payload(long id, String letter) {
    ObjectNode p = JSON.createObjectNode();
    p.put("mount_id", id);
    p.put("bucket", bucket);
    p.put("prefix", "drive");
    p.put("drive_letter", letter);
    p.put("read_only", false);
    p.put("cache_mode", "full");
    p.put("endpoint", s3.endpoint().toString());
    p.put("access_key", s3.accessKey());
    p.put("secret_key", s3.secretKey());
    p.put("region", s3.region());
    p.put("cache_size_gb", 1);
    p.put("bandwidth_upload_kbps", 0);
    p.put("bandwidth_download_kbps", 0);
    return p;
  }

  private Map<String, Object> lastReport() {
    assertThat(reports).isNotEmpty();
    return reports.get(reports.size() - 1);
  }

  private List<String> journalOps() throws Exception {
    return SimulatedWindowsHost.readJournal(journal).stream()
        .map(m -> String.valueOf(m.get("op")))
        .toList();
  }

  @Test
  void aMountStartsWebClientMapsLabelsAnnouncesOpensAndReportsCacheBytes() throws Exception {
    NasMounts.Result r = mounts.mount(payload(7, "Y"));

    assertThat(r.ok()).as(r.message()).isTrue();
    NetworkDrive y = host.networkDrives().get(0);
    assertThat(y.letter()).isEqualTo('Y');
    assertThat(y.label()).isEqualTo("Cloud NAS (" + bucket + ")");
    assertThat(y.session()).isEqualTo("standard");
    assertThat(y.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(y.announced()).isTrue();
    assertThat(y.persistent()).isFalse();
    assertThat(host.explorerView().shows('Y')).isTrue();
    // WebClient was stopped (a fresh machine) and is started before mapping, as the seed does.
    assertThat(journalOps())
        .containsSubsequence(
            "service.start", "drive.map", "registry.set", "shell.drive_added", "shell.open");
    assertThat(lastReport()).containsEntry("status", "mounted").containsEntry("error", null);
    assertThat(lastReport().get("cache_bytes_used")).isEqualTo(0L);

    // A write through the drive lands in the cache (mode full), and the figure follows.
    Sardine dav = SardineFactory.begin();
    try {
      dav.put(y.remote() + "report.txt", "quarterly".repeat(1000).getBytes(StandardCharsets.UTF_8));
    } finally {
      dav.shutdown();
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                lastReport().get("cache_bytes_used") instanceof Long b
                    && b >= 9000
                    && "mounted".equals(lastReport().get("status")));

    // The same command again changes nothing and says so.
    NasMounts.Result again = mounts.mount(payload(7, "Y"));
    assertThat(again.ok()).isTrue();
    assertThat(again.message()).contains("already mounted");
    assertThat(host.networkDrives()).hasSize(1);

    NasMounts.Result off =
        mounts.unmount(JSON.createObjectNode().put("mount_id", 7).put("drive_letter", "Y"));
    assertThat(off.ok()).as(off.message()).isTrue();
    // Flushed first: the write is in S3 when the drive is gone.
    assertThat(
            s3.client()
                .getObjectAsBytes(b -> b.bucket(bucket).key("drive/report.txt"))
                .asUtf8String())
        .startsWith("quarterly");
    assertThat(host.networkDrives()).isEmpty();
    assertThat(
            host.registry()
                .getString(WindowsKeys.mountPointKey(y.remote()), WindowsKeys.LABEL_FROM_REG))
        .isEmpty();
    assertThat(lastReport())
        .containsEntry("status", "unmounted")
        .containsEntry("cache_bytes_used", 0L);
    assertThat(journalOps())
        .containsSubsequence("drive.unmap", "shell.drive_removed", "registry.delete");

    // Idempotent: a second unmount is fine.
    assertThat(
            mounts
                .unmount(JSON.createObjectNode().put("mount_id", 7).put("drive_letter", "Y"))
                .ok())
        .isTrue();
    assertThat(lastReport()).containsEntry("status", "unmounted");
  }

  @Test
  void mountErrorsReachTheReportWithTheirReasonAndChangeNothing() throws Exception {
    Files.createDirectories(dir.resolve("win/shares/fs/docs"));
    host.services().start("WebClient");
    host.drives().map('Z', "\\\\fs\\docs", false);

    NasMounts.Result local = mounts.mount(payload(1, "C"));
    assertThat(local.ok()).isFalse();
    assertThat(local.message()).contains("C:").contains("local drive");
    assertThat(lastReport()).containsEntry("mount_id", 1L).containsEntry("status", "error");
    assertThat((String) lastReport().get("error")).contains("local drive");

    NasMounts.Result taken = mounts.mount(payload(2, "Z"));
    assertThat(taken.message()).contains("already mapped to \\\\fs\\docs");
    assertThat(host.drives().mappings()).containsEntry('Z', "\\\\fs\\docs");

    ObjectNode missing =
        payload(3, "X").put("bucket", "no-such-bucket-" + BUCKETS.incrementAndGet());
    NasMounts.Result noBucket = mounts.mount(missing);
    assertThat(noBucket.ok()).isFalse();
    assertThat((String) lastReport().get("error")).contains("does not exist");

    NasMounts.Result badLetter = mounts.mount(payload(4, "7"));
    assertThat(badLetter.message()).contains("not one letter from A to Z");

    assertThat(host.drives().mappings()).containsOnlyKeys('Z');
    assertThat(mounts.mounted()).isEmpty();
  }

  @Test
  void aDisabledWebClientIsReportedWithTheFix() throws Exception {
    SimulatedWindowsHost disabled =
        SimulatedWindowsHost.builder(dir.resolve("win2")).webClient("disabled").build();
    NasMounts m =
        new NasMounts(
            disabled,
            factory,
            dir.resolve("nas2"),
            (id, status, error, cache, warning) ->
                reports.add(Map.of("status", status, "error", String.valueOf(error))),
            Duration.ofSeconds(5));
    try {
      NasMounts.Result r = m.mount(payload(5, "Y"));
      assertThat(r.ok()).isFalse();
      assertThat(r.message()).contains("WebClient service is disabled").contains("start= demand");
      assertThat(disabled.drives().mappings()).isEmpty();
    } finally {
      m.close();
    }
  }

  @Test
  void aStaleMappingIsClearedAndAFileOverWebClientsLimitIsWarnedAbout() throws Exception {
    // An elevated admin lowered WebClient's limit; a killed agent left Y: on an old port.
    SimulatedWindowsHost admin =
        SimulatedWindowsHost.builder(dir.resolve("win")).elevated(true).build();
    admin.registry().setDword(WindowsKeys.WEBCLIENT_PARAMETERS, WindowsKeys.FILE_SIZE_LIMIT, 4096);
    host.services().start("WebClient");
    host.drives().map('Y', "http://127.0.0.1:1/deadbeef/", false);
    s3.client()
        .putObject(
            b -> b.bucket(bucket).key("drive/big.bin"), RequestBody.fromBytes(new byte[5000]));

    NasMounts.Result r = mounts.mount(payload(8, "Y"));

    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(host.drives().mappings().get('Y')).isNotEqualTo("http://127.0.0.1:1/deadbeef/");
    // The stale port is gone, so WebClient serves the new one (resolve fails only as "not
    // proxied").
    assertThat(host.networkDrives()).hasSize(1);
    String warning = (String) lastReport().get("warning");
    assertThat(warning)
        .contains("4,096 bytes")
        .contains("'big.bin' is 5,000 bytes")
        .contains("FileSizeLimitInBytes");
  }

  @Test
  void anUnmountOfAnotherDriveLeavesTheDriveNowOnItsLetterAlone() throws Exception {
    assertThat(mounts.mount(payload(21, "Y")).ok()).isTrue();
    String url = host.drives().mappings().get('Y');

    // Mount 20 used Y: once; its late unmount must not disconnect mount 21.
    NasMounts.Result r =
        mounts.unmount(JSON.createObjectNode().put("mount_id", 20).put("drive_letter", "Y"));

    assertThat(r.ok()).isTrue();
    assertThat(lastReport()).containsEntry("mount_id", 20L).containsEntry("status", "unmounted");
    assertThat(host.drives().mappings()).containsEntry('Y', url);
    assertThat(mounts.mounted()).containsExactly(21L);
  }

  @Test
  void bandwidthAndCacheSettingsReachTheVolumeOptions() throws Exception {
    ObjectNode p =
        payload(9, "Y").put("bandwidth_upload_kbps", 512).put("bandwidth_download_kbps", 2048);
    p.put("cache_size_gb", 2);
    MountRequest r = MountRequest.parse(p, true);
    var o = r.options(dir);
    assertThat(o.uploadBytesPerSec()).isEqualTo(512 * 1024);
    assertThat(o.downloadBytesPerSec()).isEqualTo(2048 * 1024);
    assertThat(o.cacheMaxBytes()).isEqualTo(2L << 30);
    assertThat(r.toString()).doesNotContain(s3.secretKey());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> MountRequest.parse(p.put("bandwidth_upload_kbps", -1), true))
        .isInstanceOf(MountException.class)
        .hasMessageContaining("bandwidth_upload_kbps");
  }

  @Test
  void aRestartedAgentMountsPersistentDrivesAgainAndKeepsNoSecretInPlainText() throws Exception {
    assertThat(mounts.mount(payload(11, "Y")).ok()).isTrue();
    assertThat(mounts.mount(payload(12, "X").put("prefix", "other")).ok()).isTrue();
    String stored = Files.readString(dir.resolve("nas/mounts.json"));
    assertThat(stored).contains("dpapi:").doesNotContain(s3.secretKey());
    // Killed: what a killed process leaves is its mappings (to a port no one serves any more)
    // and its mounts.json. In one JVM its locks and port can only go by closing it, so close it
    // and put back what the kill would have left.
    String oldUrl = host.drives().mappings().get('Y');
    String oldX = host.drives().mappings().get('X');
    byte[] leftStore = Files.readAllBytes(dir.resolve("nas/mounts.json"));
    mounts.close();
    Files.write(dir.resolve("nas/mounts.json"), leftStore);
    host.drives().map('Y', oldUrl, false);
    host.drives().map('X', oldX, false);
    mounts = newMounts();
    reports.clear();

    ObjectNode y = payload(11, "Y").put("auto_mount", true);
    ObjectNode x = payload(12, "X").put("prefix", "other").put("auto_mount", false);
    mounts.startUp(() -> List.of(y, x), Duration.ofMillis(10), Duration.ofMillis(50));

    assertThat(mounts.mounted()).containsExactly(11L);
    assertThat(host.drives().mappings()).containsOnlyKeys('Y');
    assertThat(host.drives().mappings().get('Y')).isNotEqualTo(oldUrl);
    assertThat(reports)
        .anySatisfy(
            m -> assertThat(m).containsEntry("mount_id", 11L).containsEntry("status", "mounted"));
    // Mounted again at start: no Explorer window pops up.
    assertThat(journalOps().stream().filter("shell.open"::equals).count()).isEqualTo(2);
    // X's leftovers (none pending) are cleared in the background
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> !Files.readString(dir.resolve("nas/mounts.json")).contains("\"mount_id\" : 12"));
  }

  // ------------------------------------------------------------- S3 refusing uploads (relay)

  /** A WireMock relay in front of the S3 server, refusing this bucket's uploads when told to. */
  private static final class Refusing implements AutoCloseable {
    final WireMockServer relay =
        new WireMockServer(options().dynamicPort().preserveHostHeader(true));
    final S3ClientFactory factory =
        new S3ClientFactory(Duration.ofSeconds(60), 8, List.of(), 1, Duration.ofSeconds(30));
    private StubMapping refusal;

    Refusing() {
      relay.start();
      relay.stubFor(
          any(anyUrl())
              .atPriority(10)
              .willReturn(aResponse().proxiedFrom(s3.endpoint().toString())));
    }

    void refuseUploads(String bucket) {
      refusal =
          relay.stubFor(
              put(urlPathMatching("/" + bucket + "/drive/.*"))
                  .atPriority(1)
                  .willReturn(
                      aResponse()
                          .withStatus(503)
                          .withHeader("Content-Type", "application/xml")
                          .withBody(
                              "<Error><Code>ServiceUnavailable</Code>"
                                  + "<Message>S3 is down for maintenance</Message></Error>")));
    }

    void acceptUploads() {
      relay.removeStub(refusal);
    }

    @Override
    public void close() {
      factory.close();
      relay.stop();
    }
  }

  private static long dataFiles(Path cache) throws Exception {
    if (!Files.isDirectory(cache)) {
      return 0;
    }
    try (var files = Files.walk(cache)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".data")).count();
    }
  }

  private static void davPut(String url, byte[] body) throws Exception {
    Sardine dav = SardineFactory.begin();
    try {
      dav.put(url, body);
    } finally {
      dav.shutdown();
    }
  }

  @Test
  void anUnmountWhoseFlushS3RefusesReportsAnErrorWithTheReasonAndKeepsTheFiles() throws Exception {
    try (Refusing s3down = new Refusing()) {
      mounts.close();
      mounts = newMounts(s3down.factory);
      mounts.unmountFlush(Duration.ofSeconds(3));
      ObjectNode p =
          payload(21, "W").put("cache_mode", "writes").put("endpoint", s3down.relay.baseUrl());
      assertThat(mounts.mount(p).ok()).isTrue();
      s3down.refuseUploads(bucket);
      byte[] body = "the only copy".getBytes(StandardCharsets.UTF_8);
      davPut(mounts.url(21).orElseThrow() + "notes.txt", body);

      ObjectNode off = JSON.createObjectNode().put("mount_id", 21).put("drive_letter", "W");
      NasMounts.Result r = mounts.unmount(off);

      assertThat(r.ok()).isFalse();
      assertThat(lastReport()).containsEntry("mount_id", 21L).containsEntry("status", "error");
      assertThat((String) lastReport().get("error"))
          .contains("stays mounted")
          .contains("1 file(s) are not in S3 yet")
          .contains("S3 is down for maintenance");
      assertThat(dataFiles(dir.resolve("nas/cache/mount_21"))).isEqualTo(1);
      assertThat(mounts.mounted()).containsExactly(21L);
      assertThat(host.drives().mappings()).containsKey('W');

      s3down.acceptUploads();
      mounts.unmountFlush(Duration.ofSeconds(60));
      NasMounts.Result again = mounts.unmount(off);
      assertThat(again.ok()).as(again.message()).isTrue();
      assertThat(lastReport()).containsEntry("status", "unmounted");
      assertThat(
              s3.client()
                  .getObjectAsBytes(b -> b.bucket(bucket).key("drive/notes.txt"))
                  .asByteArray())
          .isEqualTo(body);
    }
  }

  @Test
  void filesLeftByAKilledAgentOnADriveNotMountedAgainReachS3AndAreReportedWhileTheyCannot()
      throws Exception {
    try (Refusing s3down = new Refusing()) {
      mounts.close();
      mounts = newMounts(s3down.factory);
      ObjectNode p =
          payload(31, "V").put("cache_mode", "writes").put("endpoint", s3down.relay.baseUrl());
      assertThat(mounts.mount(p).ok()).isTrue();
      s3down.refuseUploads(bucket);
      byte[] body = "saved just before the agent died".getBytes(StandardCharsets.UTF_8);
      davPut(mounts.url(31).orElseThrow() + "late.txt", body);
      // Killed (as in the restart test: close, then put back what a kill leaves behind)
      byte[] leftStore = Files.readAllBytes(dir.resolve("nas/mounts.json"));
      mounts.close();
      Files.write(dir.resolve("nas/mounts.json"), leftStore);
      assertThat(dataFiles(dir.resolve("nas/cache/mount_31"))).isEqualTo(1);

      mounts = newMounts(s3down.factory);
      mounts.leftoverRound(Duration.ofSeconds(2));
      reports.clear();
      ObjectNode listed = p.deepCopy().put("auto_mount", false); // the client unmounted it
      long started = System.nanoTime();
      mounts.startUp(() -> List.of(listed), Duration.ofMillis(10), Duration.ofMillis(50));
      // start-up is not held up by a drive it does not mount
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(mounts.mounted()).isEmpty();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> reports.stream().anyMatch(m -> "error".equals(m.get("status"))));
      Map<String, Object> error =
          reports.stream().filter(m -> "error".equals(m.get("status"))).findFirst().orElseThrow();
      assertThat(error).containsEntry("mount_id", 31L);
      assertThat((String) error.get("error"))
          .contains("1 file(s) drive V: saved before the agent stopped are not in S3 yet")
          .contains("S3 is down for maintenance")
          .contains("keeps trying");
      assertThat(dataFiles(dir.resolve("nas/cache/mount_31"))).isEqualTo(1);

      s3down.acceptUploads();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> "unmounted".equals(lastReport().get("status")));
      assertThat(
              s3.client()
                  .getObjectAsBytes(b -> b.bucket(bucket).key("drive/late.txt"))
                  .asByteArray())
          .isEqualTo(body);
      assertThat(dir.resolve("nas/cache/mount_31")).doesNotExist();
      assertThat(Files.readString(dir.resolve("nas/mounts.json")))
          .doesNotContain("\"mount_id\" : 31");
    }
  }
}
