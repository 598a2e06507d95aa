package ca.eazybackup.e3.agent.backup.maintenance;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.S3BlobStorage;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.backup.restore.OverwriteMode;
import ca.eazybackup.e3.agent.backup.restore.Restorer;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.backup.testing.RecordingProgress;
import ca.eazybackup.e3.agent.backup.upload.UploadOptions;
import ca.eazybackup.e3.agent.backup.upload.UploadResult;
import ca.eazybackup.e3.agent.backup.upload.Uploader;
import ca.eazybackup.e3.agent.backup.verify.Verifier;
import ca.eazybackup.e3.agent.backup.verify.VerifyReport;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One repository in a bucket of the real S3 test server, opened by as many independent {@link
 * Repository} instances as a test wants (each its own index view, caches and writer session, as two
 * agent processes would have), all on one test clock.
 *
 * <p>The safety margins are hours and days, so time is the test's: index entries are stamped by the
 * test clock, and blob times are the test clock's time of each put (the server's own LastModified
 * is wall time), recorded in a map every instance shares, like the server's.
 */
final class SharedRepo {
  static final String PASSWORD = "maintenance-pw";

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    TestClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  final TestClock clock = new TestClock(Instant.parse("2026-01-05T00:00:00Z"));
  private final Map<String, Instant> putTimes = new ConcurrentHashMap<>();
  private final S3Fixture s3;
  private final String bucket;
  private final Path cacheRoot;
  private int instances;

  SharedRepo(S3Fixture s3, String bucket, Path cacheRoot) throws IOException {
    this.s3 = s3;
    this.bucket = bucket;
    this.cacheRoot = cacheRoot;
    s3.createBucket(bucket);
    try (Repository r = Repository.create(storage(null), PASSWORD, RepositoryOptions.defaults())) {
      r.contents().flush();
    }
  }

  /** A storage onto the shared bucket; {@code onPut} sees each blob id before it is written. */
  BlobStorage storage(Consumer<String> onPut) throws IOException {
    BlobStorage s3Storage =
        S3BlobStorage.open(s3.client(), s3.endpoint().toString(), bucket, "repo/", false);
    return new Clocked(s3Storage, onPut);
  }

  /** A new, independent repository instance ("another process"); close it when done. */
  Repository open() throws IOException {
    return open(null);
  }

  Repository open(Consumer<String> onPut) throws IOException {
    return Repository.open(
        storage(onPut), PASSWORD, cacheRoot.resolve("instance" + (++instances)), clock);
  }

  static UploadResult backup(Repository repo, SourceInfo source, Path root, Clock clock)
      throws Exception {
    ObjectManager objects = new ObjectManager(repo.contents(), repo.splitter());
    SnapshotManager snaps = new SnapshotManager(new ManifestStore(repo.contents(), clock));
    UploadOptions o = new UploadOptions(2, "zstd", Duration.ofHours(1), 50_000, null);
    try (Uploader u =
        new Uploader(objects, snaps, o, new RecordingProgress(), new Cancellation(), clock)) {
      return u.upload(source, List.of(new Uploader.Root("root", root)), null);
    }
  }

  static void restore(Repository repo, String manifestId, Path target) throws Exception {
    ObjectManager objects = new ObjectManager(repo.contents(), repo.splitter());
    SnapshotManifest m =
        new SnapshotManager(new ManifestStore(repo.contents(), Clock.systemUTC()))
            .load(manifestId)
            .orElseThrow();
    try (Restorer r = new Restorer(objects, new RecordingProgress(), new Cancellation(), 2)) {
      r.restore(m.rootEntry(), target, List.of(), OverwriteMode.ALWAYS, false);
    }
  }

  static void deleteSnapshot(Repository repo, String manifestId, Clock clock) throws IOException {
    new SnapshotManager(new ManifestStore(repo.contents(), clock)).delete(manifestId);
    repo.contents().flush();
  }

  /** Full maintenance from a fresh instance, as the owning agent's next run would be. */
  MaintenanceReport fullMaintenance(Maintenance.PhaseHook hook) throws Exception {
    try (Repository r = open()) {
      return new Maintenance(r, clock, new Cancellation())
          .onPhase(hook)
          .run(MaintenanceMode.FULL, null, null);
    }
  }

  /** Verify with every pack read, from a fresh instance. */
  VerifyReport verify() throws Exception {
    try (Repository r = open()) {
      return new Verifier(r, clock, new Cancellation(), (p, d, t, b) -> {}).run(100, 1);
    }
  }

  /** Bytes in pack blobs now. */
  long packBytes() throws IOException {
    long[] total = {0};
    try (BlobStorage s = storage(null)) {
      s.list("p", b -> total[0] += b.length());
      s.list("q", b -> total[0] += b.length());
    }
    return total[0];
  }

  /** Blob ids under {@code prefix} now. */
  List<String> blobs(String prefix) throws IOException {
    List<String> out = new java.util.ArrayList<>();
    try (BlobStorage s = storage(null)) {
      s.list(prefix, b -> out.add(b.blobId()));
    }
    return out;
  }

  /** Blob times are the test clock's at each put (shared by every instance, as the server is). */
  private final class Clocked implements BlobStorage {
    private final BlobStorage inner;
    private final Consumer<String> onPut;

    Clocked(BlobStorage inner, Consumer<String> onPut) {
      this.inner = inner;
      this.onPut = onPut;
    }

    private BlobMetadata retimed(BlobMetadata m) {
      Instant t = putTimes.get(m.blobId());
      return t == null ? m : new BlobMetadata(m.blobId(), m.length(), t);
    }

    @Override
    public byte[] get(String blobId, long offset, long length) throws IOException {
      return inner.get(blobId, offset, length);
    }

    @Override
    public void put(String blobId, byte[] data) throws IOException {
      if (onPut != null) {
        onPut.accept(blobId);
      }
      putTimes.put(blobId, clock.instant());
      inner.put(blobId, data);
    }

    @Override
    public void delete(String blobId) throws IOException {
      inner.delete(blobId);
    }

    @Override
    public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
      inner.list(prefix, m -> each.accept(retimed(m)));
    }

    @Override
    public Optional<BlobMetadata> stat(String blobId) throws IOException {
      return inner.stat(blobId).map(this::retimed);
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
