package ca.eazybackup.e3.agent.timemachine;

import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.CountingBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.S3BlobStorage;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.backup.testing.RecordingProgress;
import ca.eazybackup.e3.agent.backup.upload.UploadOptions;
import ca.eazybackup.e3.agent.backup.upload.Uploader;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kopia-format repository in a bucket of a real S3 server, backed up into by the production
 * uploader: what Time Machine's tests look at. {@link #counting} sees every blob call of whoever
 * opens the repository through {@link #storage()}.
 */
public final class BackedUpRepo {
  public static final String PASSWORD = "time-machine-test-password";
  private static final AtomicInteger buckets = new AtomicInteger();

  public final FixtureS3 s3;
  public final String bucket;
  public final String prefix = "repo";
  public final SourceInfo source = new SourceInfo("host", "user", "/data");
  public CountingBlobStorage counting;

  private BackedUpRepo(FixtureS3 s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /** A new bucket with an empty repository. */
  public static BackedUpRepo create(FixtureS3 s3, String hint) throws Exception {
    String bucket =
        ("tm-" + hint + "-" + buckets.incrementAndGet() + "-" + ProcessHandle.current().pid())
            .toLowerCase(Locale.ROOT);
    s3.fixture().createBucket(bucket);
    BackedUpRepo r = new BackedUpRepo(s3, bucket);
    try (BlobStorage st = r.storage();
        Repository repo = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      // created
    }
    return r;
  }

  /** The repository's store, counted; each call starts new counters. */
  public BlobStorage storage() throws Exception {
    counting =
        new CountingBlobStorage(
            S3BlobStorage.open(
                s3.factory().client(s3.target()), s3.target().endpoint(), bucket, prefix, false));
    return counting;
  }

  /** Backs up {@code root} as the next snapshot of the source; returns its manifest id. */
  public String backup(Path root, Path spill) throws Exception {
    try (BlobStorage st = storage();
        Repository repo = Repository.open(st, PASSWORD, null)) {
      ObjectManager objects = new ObjectManager(repo.contents(), repo.splitter());
      SnapshotManager snaps =
          new SnapshotManager(new ManifestStore(repo.contents(), Clock.systemUTC()));
      List<SnapshotManifest> previous = snaps.list(source);
      DirEntry prev = previous.isEmpty() ? null : previous.get(previous.size() - 1).rootEntry();
      UploadOptions o = new UploadOptions(2, "zstd", Duration.ofHours(1), 50_000, spill);
      try (Uploader u =
          new Uploader(
              objects, snaps, o, new RecordingProgress(), new Cancellation(), Clock.systemUTC())) {
        return u.upload(source, List.of(new Uploader.Root("root", root)), prev).manifestId();
      }
    }
  }
}
