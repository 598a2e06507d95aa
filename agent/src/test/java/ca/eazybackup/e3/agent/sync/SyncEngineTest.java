package ca.eazybackup.e3.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The sync engine against a real S3 server (S3Proxy from s3-fixtures). */
class SyncEngineTest {
  static S3Fixture s3;
  static S3Client admin;

  @TempDir Path tmp;
  RequestCounter requests;
  CountingOpener opener;
  S3ClientFactory factory;
  Path source;
  Path cache;
  String bucket;

  @BeforeAll
  static void startS3() {
    s3 = SharedS3.get();
    admin = s3.client();
  }

  @BeforeEach
  void setUp() throws IOException {
    requests = new RequestCounter();
    opener = new CountingOpener();
    factory = new S3ClientFactory(Duration.ofMinutes(2), 32, List.of(requests));
    source = Files.createDirectories(tmp.resolve("src"));
    cache = Files.createDirectories(tmp.resolve("cache"));
    bucket = SharedS3.newBucketName("e");
  }

  @AfterEach
  void tearDown() {
    factory.close();
  }

  private TestRunContext ctx() {
    return new TestRunContext(tmp, cache, factory);
  }

  private SyncJobs job() {
    return SyncJobs.of(s3, bucket, "backups/pc1", source.toString());
  }

  private RunOutcome sync(SyncJobs job) throws Exception {
    return sync(job, ctx());
  }

  private RunOutcome sync(SyncJobs job, TestRunContext ctx) throws Exception {
    return new SyncEngine(opener).backup(job.build(), ctx);
  }

  private List<String> keys(String prefix) {
    return admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .filter(k -> !k.endsWith("/")) // S3Proxy's filesystem backend lists its folders too
        .toList();
  }

  private byte[] object(String key) {
    return admin.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  @Test
  void firstSyncUploadsEveryFileWithItsMtimeInRcloneMetadata() throws Exception {
    List<String> files = Trees.small(source, 60, 1);
    TestRunContext ctx = ctx();

    RunOutcome outcome = sync(job(), ctx);

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(keys("backups/pc1/"))
        .containsExactlyInAnyOrderElementsOf(files.stream().map(f -> "backups/pc1/" + f).toList());
    HeadObjectResponse head =
        admin.headObject(b -> b.bucket(bucket).key("backups/pc1/" + files.get(7)));
    assertThat(head.metadata()).containsEntry("mtime", "1700000007.123");
    assertThat(object("backups/pc1/" + files.get(7)))
        .isEqualTo(Files.readAllBytes(source.resolve(files.get(7))));
    assertThat(ctx.progress.filesTotal.get()).isEqualTo(60);
    assertThat(ctx.progress.scanFinished).isTrue();
    assertThat(ctx.progress.filesDone.get()).isEqualTo(60);
    assertThat(outcome.stats()).containsEntry("files_uploaded", 60L);
  }

  @Test
  void noChangeResyncUploadsNothingReadsNoFileAndSendsNoHead() throws Exception {
    Trees.small(source, 80, 2);
    assertThat(sync(job()).status()).isEqualTo(RunStatus.SUCCESS);
    requests.reset();
    opener.opens.set(0);

    RunOutcome again = sync(job());

    assertThat(again.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(requests.uploads()).as(requests.toString()).isZero();
    assertThat(requests.count("HeadObject")).as("state cache spares the HEADs").isZero();
    assertThat(requests.count("GetObject")).isZero();
    assertThat(opener.opens.get()).as("no file content read").isZero();
    assertThat(again.stats())
        .containsEntry("files_unchanged", 80L)
        .containsEntry("bytes_uploaded", 0L);
  }

  @Test
  void withoutItsStateCacheAResyncFallsBackToHeadsAndStillUploadsNothing() throws Exception {
    Trees.small(source, 30, 3);
    sync(job());
    try (var files = Files.list(cache)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    requests.reset();

    RunOutcome again = sync(job());

    assertThat(requests.uploads()).isZero();
    assertThat(requests.count("HeadObject")).isEqualTo(30);
    assertThat(opener.opens.get()).isEqualTo(30); // only the first run read them
    requests.reset();
    sync(job());
    assertThat(requests.count("HeadObject")).as("cache rebuilt by the HEAD run").isZero();
    assertThat(again.stats()).containsEntry("files_unchanged", 30L);
  }

  @Test
  void onePercentChangedUploadsOnlyTheChangedFiles() throws Exception {
    List<String> files = Trees.small(source, 200, 4);
    sync(job());
    requests.reset();
    for (int i = 0; i < files.size(); i += 100) {
      Path p = source.resolve(files.get(i));
      byte[] data = Files.readAllBytes(p);
      data[0] ^= 0x55; // same size, new content and mtime
      Files.write(p, data);
      Files.setLastModifiedTime(p, FileTime.fromMillis(1_800_000_000_000L + i));
    }

    RunOutcome outcome = sync(job());

    assertThat(requests.count("PutObject")).isEqualTo(2);
    assertThat(outcome.stats())
        .containsEntry("files_uploaded", 2L)
        .containsEntry("files_unchanged", 198L);
    assertThat(object("backups/pc1/" + files.get(100)))
        .isEqualTo(Files.readAllBytes(source.resolve(files.get(100))));
  }

  @Test
  void mirrorModeDeletesRemovedFilesButNeverOutsideThePrefix() throws Exception {
    List<String> files = Trees.small(source, 20, 5);
    sync(job().policy("mirror", true));
    admin.putObject(
        b -> b.bucket(bucket).key("backups/other/keep.txt"), RequestBody.fromString("x"));
    admin.putObject(
        b -> b.bucket(bucket).key("backups/pc1-old/keep.txt"), RequestBody.fromString("x"));
    for (int i = 0; i < 3; i++) {
      Files.delete(source.resolve(files.get(i)));
    }

    RunOutcome copyMode = sync(job());
    assertThat(copyMode.stats()).containsEntry("files_deleted", 0L);
    assertThat(keys("backups/pc1/")).hasSize(20);

    RunOutcome mirror = sync(job().policy("mirror", true));

    assertThat(mirror.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(mirror.stats()).containsEntry("files_deleted", 3L);
    assertThat(keys("backups/pc1/")).hasSize(17).doesNotContain("backups/pc1/" + files.get(0));
    assertThat(keys("backups/")).contains("backups/other/keep.txt", "backups/pc1-old/keep.txt");
  }

  @Test
  void mirrorModeLeavesExcludedObjectsAlone() throws Exception {
    Files.writeString(source.resolve("a.txt"), "a");
    Files.writeString(source.resolve("b.log"), "b");
    sync(job().policy("mirror", true));

    RunOutcome outcome = sync(job().policy("mirror", true).filters(null, "*.log"));

    assertThat(outcome.stats()).containsEntry("files_deleted", 0L);
    assertThat(keys("backups/pc1/"))
        .containsExactlyInAnyOrder("backups/pc1/a.txt", "backups/pc1/b.log");
  }

  @Test
  void includeAndExcludeGlobsPickTheFiles() throws Exception {
    for (String f :
        List.of("a.txt", "b.jpg", "docs/c.txt", "docs/tmp/d.txt", "cache/e.txt", "x/cache/f.txt")) {
      Path p = source.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }

    sync(job().filters("*.txt", "cache/\n/docs/tmp/**"));

    assertThat(keys("backups/pc1/"))
        .containsExactlyInAnyOrder("backups/pc1/a.txt", "backups/pc1/docs/c.txt");
  }

  @Test
  void severalSourcesGoEachUnderTheirOwnFolder() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("Documents"));
    Path photos = Files.createDirectories(tmp.resolve("Photos"));
    Files.writeString(docs.resolve("a.txt"), "a");
    Files.writeString(photos.resolve("b.jpg"), "b");

    sync(job().sources(List.of(docs.toString(), photos.toString())));

    assertThat(keys("backups/pc1/"))
        .containsExactlyInAnyOrder("backups/pc1/Documents/a.txt", "backups/pc1/Photos/b.jpg");
  }

  @Test
  void aMissingBucketIsCreatedOnlyWhenTheJobAllows() throws Exception {
    Files.writeString(source.resolve("a.txt"), "a");

    RunOutcome refused = sync(job().autoCreate(false));
    assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
    assertThat(refused.message()).contains("does not exist").contains("bucket_auto_create");

    assertThat(sync(job().autoCreate(true)).status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(keys("")).containsExactly("backups/pc1/a.txt");
  }

  @Test
  void aLockedFileIsSkippedWithAWarningAndTheRestIsSynced() throws Exception {
    List<String> files = Trees.small(source, 10, 6);
    Path locked = source.resolve(files.get(4));
    opener.lock(locked);
    TestRunContext ctx = ctx();

    RunOutcome outcome = sync(job(), ctx);

    assertThat(outcome.status()).isEqualTo(RunStatus.WARNING);
    assertThat(outcome.stats())
        .containsEntry("files_skipped", 1L)
        .containsEntry("files_uploaded", 9L);
    assertThat(ctx.progress.eventCodes()).containsExactly("SYNC_FILE_SKIPPED");
    assertThat(ctx.progress.skipped).containsExactly(locked.toString());
    assertThat(keys("backups/pc1/")).hasSize(9).doesNotContain("backups/pc1/" + files.get(4));
  }

  @Test
  void aFileModifiedDuringUploadIsRetriedAndStoredAsItsFinalVersion() throws Exception {
    Path file = source.resolve("doc.txt");
    Files.writeString(file, "version one");
    opener.onOpen(
        file,
        (p, nth) -> {
          InputStream in = Files.newInputStream(p);
          if (nth == 1) { // the user saves while we read
            Files.writeString(p, "version two, longer");
          }
          return in;
        });

    RunOutcome outcome = sync(job());

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(new String(object("backups/pc1/doc.txt"))).isEqualTo("version two, longer");
  }

  @Test
  void aFileThatKeepsChangingIsReportedAndNeverStoredTorn() throws Exception {
    Path file = Trees.big(source.resolve("busy.bin"), 12 * SyncSettings.MIB, 7);
    opener.onOpen(
        file,
        (p, nth) -> {
          InputStream in = Files.newInputStream(p);
          Files.setLastModifiedTime(p, FileTime.fromMillis(1_600_000_000_000L + nth));
          return in;
        });
    TestRunContext ctx = ctx();

    RunOutcome outcome =
        sync(job().policy("multipart_cutoff_mib", 5).policy("multipart_part_size_mib", 5), ctx);

    assertThat(outcome.status()).isEqualTo(RunStatus.WARNING);
    assertThat(ctx.progress.eventCodes()).containsExactly("SYNC_FILE_SKIPPED");
    assertThat(keys("backups/pc1/")).isEmpty();
    assertThat(admin.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void a200MibFileGoesMultipartAndRestoresByteIdentical() throws Exception {
    Path big = Trees.big(source.resolve("big/video.bin"), 200 * SyncSettings.MIB, 8);
    Files.setLastModifiedTime(big, FileTime.fromMillis(1_650_000_000_456L));

    RunOutcome outcome = sync(job());

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(requests.count("CreateMultipartUpload")).isEqualTo(1);
    assertThat(requests.count("UploadPart")).isEqualTo(25);
    HeadObjectResponse head =
        admin.headObject(b -> b.bucket(bucket).key("backups/pc1/big/video.bin"));
    Md5.Sums sums;
    try (InputStream in = Files.newInputStream(big)) {
      sums = Md5.sums(in, 8 * SyncSettings.MIB);
    }
    // S3 answers md5(part md5s)-25; S3Proxy's nio2 backend the MD5 of the whole object.
    assertThat(RemoteObject.unquote(head.eTag())).isIn(sums.multipartEtag(), sums.md5Hex());
    assertThat(head.contentLength()).isEqualTo(200 * SyncSettings.MIB);

    Path target = tmp.resolve("restored");
    RunOutcome restore =
        new SyncEngine()
            .restore(
                job().build(),
                new RestoreRequest(null, target.toString(), List.of(), "always", false),
                ctx());

    assertThat(restore.status()).as(restore.message()).isEqualTo(RunStatus.SUCCESS);
    Path back = target.resolve("big/video.bin");
    assertThat(Files.mismatch(big, back)).isEqualTo(-1L);
    assertThat(Files.getLastModifiedTime(back)).isEqualTo(FileTime.fromMillis(1_650_000_000_456L));
    assertThat(restore.stats()).containsEntry("files_verified_by_size_only", 0L);
  }

  @Test
  void restoreIsByteIdenticalWithMtimesAndHonoursTheOverwriteRule() throws Exception {
    List<String> files = Trees.small(source, 40, 9);
    sync(job());
    Path target = tmp.resolve("restore");

    RunOutcome first = restore(target, List.of(), "if-changed");

    assertThat(first.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(first.stats()).containsEntry("files_restored", 40L);
    assertThat(directGets().directGets()).as("one direct GET per file").isEqualTo(40);
    assertThat(directGets().fallbacks()).isZero();
    for (String f : files) {
      assertThat(Files.mismatch(source.resolve(f), target.resolve(f))).isEqualTo(-1L);
      assertThat(Files.getLastModifiedTime(target.resolve(f)))
          .isEqualTo(Files.getLastModifiedTime(source.resolve(f)));
    }

    requests.reset();
    RunOutcome again = restore(target, List.of(), "if-changed");
    assertThat(again.stats())
        .containsEntry("files_restored", 0L)
        .containsEntry("files_kept_existing", 40L);
    assertThat(requests.count("GetObject")).isZero();
    assertThat(directGets().directGets()).isEqualTo(40);

    Path edited = target.resolve(files.get(0));
    Files.writeString(edited, "local edit");
    assertThat(restore(target, List.of(files.get(0)), "skip").stats())
        .containsEntry("files_kept_existing", 1L);
    assertThat(Files.readString(edited)).isEqualTo("local edit");

    assertThat(restore(target, List.of(files.get(0)), "rename").stats())
        .containsEntry("files_restored", 1L);
    assertThat(Files.readString(edited)).isEqualTo("local edit");
    String name = edited.getFileName().toString().replace(".bin", " (restored).bin");
    assertThat(Files.mismatch(edited.resolveSibling(name), source.resolve(files.get(0))))
        .isEqualTo(-1L);

    assertThat(restore(target, List.of(files.get(0)), "if-changed").stats())
        .containsEntry("files_restored", 1L);
    assertThat(Files.mismatch(edited, source.resolve(files.get(0)))).isEqualTo(-1L);
  }

  @Test
  void restoreOfSelectedPathsWritesOnlyThose() throws Exception {
    for (String f : List.of("a/1.txt", "a/2.txt", "ab/3.txt", "b/4.txt")) {
      Path p = source.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    sync(job());
    Path target = tmp.resolve("partial");

    restore(target, List.of("a", "b/4.txt"), "always");

    assertThat(
            Trees.files(target).stream()
                .map(p -> target.relativize(p).toString().replace('\\', '/')))
        .containsExactlyInAnyOrder("a/1.txt", "a/2.txt", "b/4.txt");
  }

  @Test
  void deleteExtraMirrorsTheTargetAndTouchesNothingOutsideIt() throws Exception {
    for (String f : List.of("a/1.txt", "a/2.txt", "b/3.txt")) {
      Path p = source.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    sync(job());
    Path target = Files.createDirectories(tmp.resolve("mirror"));
    Path outside = Files.writeString(tmp.resolve("mirror-sibling.txt"), "not under the target");
    for (String f : List.of("extra.txt", "a/extra.txt", "c/d/extra.txt")) {
      Files.createDirectories(target.resolve(f).getParent());
      Files.writeString(target.resolve(f), "extra");
    }

    RunOutcome outcome =
        new SyncEngine()
            .restore(
                job().build(),
                new RestoreRequest(null, target.toString(), List.of(), "always", true),
                ctx());

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(outcome.stats()).containsEntry("files_deleted", 3L);
    assertThat(
            Trees.files(target).stream()
                .map(p -> target.relativize(p).toString().replace('\\', '/')))
        .containsExactlyInAnyOrder("a/1.txt", "a/2.txt", "b/3.txt");
    assertThat(Files.readString(outside)).isEqualTo("not under the target");
  }

  @Test
  void deleteExtraOfSelectedPathsOnlyMirrorsThoseFolders() throws Exception {
    for (String f : List.of("a/1.txt", "b/2.txt")) {
      Path p = source.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    sync(job());
    Path target = Files.createDirectories(tmp.resolve("partial-mirror"));
    for (String f : List.of("a/extra.txt", "b/kept.txt", "top.txt")) {
      Files.createDirectories(target.resolve(f).getParent());
      Files.writeString(target.resolve(f), "local");
    }

    RunOutcome outcome =
        new SyncEngine()
            .restore(
                job().build(),
                new RestoreRequest(null, target.toString(), List.of("a"), "always", true),
                ctx());

    assertThat(outcome.stats()).containsEntry("files_deleted", 1L);
    assertThat(
            Trees.files(target).stream()
                .map(p -> target.relativize(p).toString().replace('\\', '/')))
        .containsExactlyInAnyOrder("a/1.txt", "b/kept.txt", "top.txt");
  }

  @Test
  void deleteExtraDeletesNothingWhenTheRestoreWasNotClean() throws Exception {
    Files.writeString(source.resolve("1.txt"), "one");
    sync(job());
    admin.putObject(
        b -> b.bucket(bucket).key("backups/pc1/bad\\name.txt"), RequestBody.fromString("x"));
    Path target = Files.createDirectories(tmp.resolve("unclean"));
    Path extra = Files.writeString(target.resolve("extra.txt"), "local");

    RunOutcome outcome =
        new SyncEngine()
            .restore(
                job().build(),
                new RestoreRequest(null, target.toString(), List.of(), "always", true),
                ctx());

    assertThat(outcome.status()).isEqualTo(RunStatus.WARNING);
    assertThat(outcome.stats()).containsEntry("files_deleted", 0L);
    assertThat(extra).exists();
  }

  @Test
  void bandwidthLimitHoldsWithinTenPercentAcrossParallelUploads() throws Exception {
    for (int i = 0; i < 8; i++) {
      Trees.big(source.resolve("f" + i + ".bin"), 512 * 1024, i);
    }
    long limitKiB = 2048;

    RunOutcome outcome = sync(job().bandwidth(limitKiB, 4));

    assertThat(outcome.status()).isEqualTo(RunStatus.SUCCESS);
    double seconds = (requests.lastUploadEndNanos - requests.firstUploadStartNanos) / 1e9;
    double rate = 8 * 512 * 1024 / seconds;
    assertThat(rate / (limitKiB * 1024.0))
        .as("measured %.0f B/s over %.2f s", rate, seconds)
        .isBetween(0.9, 1.1);
  }

  @Test
  void cancelStopsPromptlyAndAbortsOpenMultipartUploads() throws Exception {
    Trees.big(source.resolve("large.bin"), 60 * SyncSettings.MIB, 10);
    TestRunContext ctx = ctx();
    SyncJobs slow =
        job()
            .bandwidth(4096, 4)
            .policy("multipart_cutoff_mib", 5)
            .policy("multipart_part_size_mib", 5);
    CompletableFuture<RunOutcome> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return sync(slow, ctx);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(20)).until(() -> requests.count("UploadPart") >= 2);

    long t0 = System.nanoTime();
    ctx.cancellation.cancel("user pressed cancel");
    RunOutcome outcome = run.get(10, TimeUnit.SECONDS);

    assertThat(outcome.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5.0);
    assertThat(admin.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    assertThat(keys("backups/pc1/")).isEmpty();
  }

  /** Whole-object GETs of the restore; they skip the client's interceptors, so not in requests. */
  private ca.eazybackup.e3.agent.s3.DirectGet directGets() {
    return factory.directGet(SyncSettings.from(job().build()).target());
  }

  private RunOutcome restore(Path target, List<String> paths, String overwrite) throws Exception {
    return new SyncEngine()
        .restore(
            job().build(),
            new RestoreRequest(null, target.toString(), paths, overwrite, false),
            ctx());
  }
}
