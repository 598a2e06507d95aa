package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** Counts calls and bytes, for progress, benchmarks and tests ("no per-content round trips"). */
public final class CountingBlobStorage implements BlobStorage {

  /** A point-in-time copy of the counters. */
  public record Stats(
      long gets,
      long bytesRead,
      long puts,
      long bytesWritten,
      long deletes,
      long lists,
      long stats) {}

  private final BlobStorage inner;
  private final LongAdder gets = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder deletes = new LongAdder();
  private final LongAdder lists = new LongAdder();
  private final LongAdder statCalls = new LongAdder();

  public CountingBlobStorage(BlobStorage inner) {
    this.inner = inner;
  }

  public Stats stats() {
    return new Stats(
        gets.sum(),
        bytesRead.sum(),
        puts.sum(),
        bytesWritten.sum(),
        deletes.sum(),
        lists.sum(),
        statCalls.sum());
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    gets.increment();
    byte[] b = inner.get(blobId, offset, length);
    bytesRead.add(b.length);
    return b;
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    puts.increment();
    inner.put(blobId, data);
    bytesWritten.add(data.length);
  }

  @Override
  public void put(String blobId, byte[] data, BlobRetention retention) throws IOException {
    puts.increment();
    inner.put(blobId, data, retention);
    bytesWritten.add(data.length);
  }

  @Override
  public void extendRetention(String blobId, BlobRetention retention) throws IOException {
    inner.extendRetention(blobId, retention);
  }

  @Override
  public void checkObjectLock() throws IOException {
    inner.checkObjectLock();
  }

  @Override
  public void delete(String blobId) throws IOException {
    deletes.increment();
    inner.delete(blobId);
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    lists.increment();
    inner.list(prefix, each);
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    statCalls.increment();
    return inner.stat(blobId);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
