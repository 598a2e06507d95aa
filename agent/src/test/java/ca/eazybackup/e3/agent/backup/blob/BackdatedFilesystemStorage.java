package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A repository folder whose blobs get the test clock's time as their modification time, so a later
 * process on the real clock (which reads blob ages from the files, as every agent does) finds them
 * as old as the test made them.
 */
public final class BackdatedFilesystemStorage implements BlobStorage {
  private final FilesystemBlobStorage inner;
  private final Clock clock;

  public BackdatedFilesystemStorage(Path root, Clock clock) throws IOException {
    this.inner = FilesystemBlobStorage.open(root);
    this.clock = clock;
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    inner.put(blobId, data);
    Files.setLastModifiedTime(inner.pathOf(blobId), FileTime.from(clock.instant()));
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    return inner.get(blobId, offset, length);
  }

  @Override
  public void delete(String blobId) throws IOException {
    inner.delete(blobId);
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    inner.list(prefix, each);
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    return inner.stat(blobId);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
