package ca.eazybackup.e3.agent.backup.repo;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.ReadAheadBlobStorage;
import ca.eazybackup.e3.agent.backup.content.KopiaContentStore;
import ca.eazybackup.e3.agent.backup.format.RepositoryFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Repository#open} for a process that opens a repository only to read it (Time Machine's
 * {@code snapshot serve}, {@code ls}, {@code diff}): the same reads, fetched ahead. Opening asks
 * for {@code kopia.repository}, derives the format key from the password (scrypt, ~0.3 s of CPU on
 * a cold JVM), then asks for {@code kopia.blobcfg}, the listing of the {@code x} blobs and each
 * index blob to load, one after the other. None of those fetches needs the key, so all of them are
 * started at once and arrive while scrypt runs. Index blobs the local cache already holds are not
 * fetched; the open reads those from the cache as before.
 */
public final class ReadAheadOpen {
  /** Index blobs are many and small: a few in flight at once, as {@code IndexBlobs} loads them. */
  static final int THREADS = 4;

  private ReadAheadOpen() {}

  /** As {@link Repository#open(BlobStorage, String, Path)}, with the open's reads fetched ahead. */
  public static Repository open(BlobStorage storage, String password, Path cacheDir)
      throws IOException {
    ReadAheadBlobStorage ahead = new ReadAheadBlobStorage(storage, THREADS);
    try {
      CompletableFuture<byte[]> format = ahead.readAhead(RepositoryFormat.FORMAT_BLOB_ID);
      ahead.readAhead(RepositoryFormat.BLOBCFG_BLOB_ID);
      ahead.readAheadList(
          "x",
          listed -> {
            try {
              indexBlobs(ahead, listed, format, cacheDir);
            } catch (RuntimeException e) {
              // nothing fetched ahead: the open reads the index blobs itself and reports
            }
          });
      return Repository.open(ahead, password, cacheDir);
    } finally {
      ahead.stopReadingAhead();
    }
  }

  private static void indexBlobs(
      ReadAheadBlobStorage ahead,
      List<BlobMetadata> listed,
      CompletableFuture<byte[]> format,
      Path cacheDir) {
    Path storeCache = null;
    if (cacheDir != null) {
      byte[] uniqueId = uniqueId(format);
      if (uniqueId == null) {
        return; // no repository there, or one the open will refuse: nothing to fetch for it
      }
      storeCache = Repository.cacheFolder(cacheDir, uniqueId);
    }
    for (String id : KopiaContentStore.indexBlobsToLoad(listed)) {
      if (storeCache == null
          || !Files.isRegularFile(KopiaContentStore.indexCacheFile(storeCache, id))) {
        ahead.readAhead(id);
      }
    }
  }

  private static byte[] uniqueId(CompletableFuture<byte[]> format) {
    try {
      return RepositoryFormat.uniqueIdOf(format.join());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
