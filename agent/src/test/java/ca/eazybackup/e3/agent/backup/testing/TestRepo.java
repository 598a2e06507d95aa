package ca.eazybackup.e3.agent.backup.testing;

import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.restore.OverwriteMode;
import ca.eazybackup.e3.agent.backup.restore.RestoreResult;
import ca.eazybackup.e3.agent.backup.restore.Restorer;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.backup.upload.UploadOptions;
import ca.eazybackup.e3.agent.backup.upload.UploadResult;
import ca.eazybackup.e3.agent.backup.upload.Uploader;
import ca.eazybackup.e3.agent.engine.Cancellation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The upper layers wired over a {@link MemoryContentStore}, as the engine wires them. */
public final class TestRepo {
  public final MemoryContentStore store;
  public final RecordingProgress progress = new RecordingProgress();
  public final SourceInfo source;
  public Duration checkpointInterval = Duration.ofHours(1);
  public int spillThreshold = 50_000;
  public int parallelism = 3;
  public Path spillDir;

  public TestRepo(MemoryContentStore store, Path spillDir, String path) {
    this.store = store;
    this.spillDir = spillDir;
    this.source = new SourceInfo("testhost", "tester", path);
  }

  public ObjectManager objects() {
    return new ObjectManager(store, "DYNAMIC-1M-BUZHASH");
  }

  public SnapshotManager snapshots() {
    return new SnapshotManager(new ManifestStore(store, Clock.systemUTC()));
  }

  public UploadResult backup(Path root) throws Exception {
    return backup(root, new Cancellation());
  }

  public UploadResult backup(Path root, Cancellation cancel) throws Exception {
    SnapshotManager snaps = snapshots();
    List<SnapshotManifest> previous = snaps.list(source);
    DirEntry prevRoot = previous.isEmpty() ? null : previous.get(previous.size() - 1).rootEntry();
    UploadOptions o =
        new UploadOptions(parallelism, "zstd", checkpointInterval, spillThreshold, spillDir);
    try (Uploader u = new Uploader(objects(), snaps, o, progress, cancel, Clock.systemUTC())) {
      return u.upload(source, List.of(new Uploader.Root("root", root)), prevRoot);
    }
  }

  public RestoreResult restore(
      String manifestId, Path target, List<String> paths, OverwriteMode mode, boolean deleteExtra)
      throws Exception {
    SnapshotManifest m = snapshots().load(manifestId).orElseThrow();
    try (Restorer r = new Restorer(objects(), progress, new Cancellation(), 3)) {
      return r.restore(m.rootEntry(), target, paths, mode, deleteExtra);
    }
  }
}
