package ca.eazybackup.e3.agent.timemachine;

import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.repo.ReadAheadOpen;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A repository opened to look at its snapshots (Time Machine's browse, compare and mount): the
 * object and snapshot layers over one {@link Repository}, read-only. Closing it closes the
 * repository; a {@link SnapshotFileSystem} made by {@link #serve} owns and closes it instead.
 */
public final class SnapshotRepository implements AutoCloseable {
  private final Repository repository;
  private final ObjectManager objects;
  private final SnapshotManager snapshots;

  private SnapshotRepository(Repository repository) {
    this.repository = repository;
    this.objects = new ObjectManager(repository.contents(), repository.splitter());
    this.snapshots =
        new SnapshotManager(new ManifestStore(repository.contents(), Clock.systemUTC()));
  }

  /**
   * Opens the repository on {@code storage} (the caller's production stack) with {@code password},
   * its first reads fetched while the password's key is derived ({@link ReadAheadOpen}).
   *
   * @param cacheDir the repository cache (indexes, metadata contents); null for none
   * @throws ca.eazybackup.e3.agent.backup.repo.RepositoryException wrong password, no repository
   */
  public static SnapshotRepository open(BlobStorage storage, String password, Path cacheDir)
      throws IOException {
    return new SnapshotRepository(ReadAheadOpen.open(storage, password, cacheDir));
  }

  /** Wraps an open repository (the agent's engine already holds one). */
  public static SnapshotRepository of(Repository repository) {
    return new SnapshotRepository(repository);
  }

  public ObjectManager objects() {
    return objects;
  }

  /** Every snapshot, oldest first. */
  public List<SnapshotManifest> snapshots() throws IOException {
    return snapshots.listAll();
  }

  /**
   * The snapshot with manifest id {@code id}.
   *
   * @throws SnapshotNotFoundException when there is none (deleted by retention, or mistyped)
   */
  public SnapshotManifest snapshot(String id) throws IOException {
    if (id == null || id.isBlank()) {
      throw new SnapshotNotFoundException("no snapshot id given");
    }
    return snapshots
        .load(id.trim())
        .orElseThrow(
            () ->
                new SnapshotNotFoundException(
                    "snapshot '"
                        + id.trim()
                        + "' is not in the repository: it was deleted (retention or maintenance)"
                        + " or the id is wrong"));
  }

  /**
   * Whether snapshot {@code id} is still in the repository, read afresh: the indexes written since
   * (a retention or maintenance run elsewhere) and every manifest. A mounted snapshot asks this
   * periodically, so that a snapshot deleted under its drive is reported rather than served as read
   * failures.
   *
   * @throws IOException when the repository cannot be read now (that says nothing either way)
   */
  public synchronized boolean stillHas(String id) throws IOException {
    repository.refresh();
    snapshots.manifests().reload();
    return snapshots.load(id.trim()).isPresent();
  }

  /** The message a drive whose snapshot was deleted is reported with. */
  public static String goneMessage(String id) {
    return "snapshot "
        + id
        + " no longer exists: it was deleted by retention or repository maintenance";
  }

  /**
   * The tree of snapshot {@code id}, read-only; closing it closes this repository.
   *
   * @throws SnapshotNotFoundException when there is no such snapshot (the repository stays open)
   */
  public SnapshotFileSystem serve(String id) throws IOException {
    return SnapshotFileSystem.of(objects, snapshot(id), this);
  }

  @Override
  public void close() throws IOException {
    repository.close();
  }
}
