package ca.eazybackup.e3.agent.backup.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.backup.upload.UploadResult;
import ca.eazybackup.e3.agent.engine.Cancellation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mark walk of full maintenance over indirect objects: a file larger than one chunk and a
 * folder whose listing is larger than one chunk are each stored as a list object ("I" + id), and
 * the walk must mark the list content and every chunk it names. Before commit 20a018d the walk
 * keyed an indirect id by its direct content id and threw "is indirect" on the first one.
 */
class ReachableContentsTest {
  private static final Instant MTIME = Instant.parse("2025-06-01T00:00:00Z");

  @TempDir Path tmp;

  @Test
  void aLargeFileAndALargeFolderStoredAsIndirectObjectsAreMarkedWithTheirListsAndChunks()
      throws Exception {
    Path src = tmp.resolve("src");
    // FIXED-1M: 3.5 MiB of file is four chunks; 5,000 entries with long names list > 1 MiB
    Trees.file(src.resolve("big.bin"), Trees.random(3_500_000, 7), MTIME);
    String pad = "n".repeat(100);
    for (int i = 0; i < 5_000; i++) {
      Trees.file(src.resolve("many").resolve(pad + i), ("file " + i).getBytes(), MTIME);
    }
    RepositoryOptions fixed1m =
        new RepositoryOptions(
            "BLAKE2B-256-128", "AES256-GCM-HMAC-SHA256", "FIXED-1M", 20 << 20, "zstd");
    Clock clock = Clock.systemUTC();
    try (Repository repo =
        Repository.create(FilesystemBlobStorage.open(tmp.resolve("repo")), "pw", fixed1m, null)) {
      UploadResult up = SharedRepo.backup(repo, new SourceInfo("host", "user", "/src"), src, clock);
      SnapshotManager snapshots = new SnapshotManager(new ManifestStore(repo.contents(), clock));
      SnapshotManifest m = snapshots.load(up.manifestId()).orElseThrow();
      ObjectManager objects = new ObjectManager(repo.contents(), repo.splitter());
      Map<String, DirEntry> top =
          DirectoryReader.readAll(objects, m.rootEntry().obj()).stream()
              .collect(Collectors.toMap(DirEntry::name, Function.identity()));
      assertThat(top.get("big.bin").obj().isIndirect()).as("big.bin is a list of chunks").isTrue();
      assertThat(top.get("many").obj().isIndirect()).as("many's listing is a list").isTrue();

      ContentIdSet marked =
          new Maintenance(repo, clock, new Cancellation()).reachableContents(snapshots);

      // one snapshot holds everything stored: every content but the manifests' is reachable
      List<ContentId> stored = new ArrayList<>();
      repo.contents().list("", c -> stored.add(c.id()));
      List<ContentId> notManifests =
          stored.stream().filter(id -> !id.prefix().equals("m")).toList();
      assertThat(notManifests).hasSizeGreaterThan(5_000);
      assertThat(notManifests).allMatch(marked::contains, "marked as reachable");
      assertThat(marked.size()).isEqualTo(notManifests.size());
      for (String name : List.of("big.bin", "many")) {
        List<ContentId> parts = new ArrayList<>();
        objects.contentsOf(top.get(name).obj(), parts::add);
        assertThat(parts).as(name + "'s list and chunks").hasSizeGreaterThan(2);
        assertThat(parts).allMatch(marked::contains);
      }
    }
  }
}
