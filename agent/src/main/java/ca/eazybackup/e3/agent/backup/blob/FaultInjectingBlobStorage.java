package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * For tests: fails chosen calls a given number of times, or alters the bytes a read returns (bit
 * rot). Rules are checked in the order added.
 */
public final class FaultInjectingBlobStorage extends ForwardingBlobStorage {

  public enum Op {
    GET,
    PUT,
    DELETE,
    LIST,
    STAT
  }

  private record Rule(
      Op op, Predicate<String> blobId, AtomicInteger remaining, IOException error) {}

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private volatile Predicate<String> corrupt = id -> false;
  private volatile UnaryOperator<byte[]> corruption = b -> b;

  public FaultInjectingBlobStorage(BlobStorage inner) {
    super(inner);
  }

  /**
   * The next {@code times} calls of {@code op} on matching blobs (or prefixes) throw {@code error}.
   */
  public FaultInjectingBlobStorage fail(
      Op op, Predicate<String> blobId, int times, IOException error) {
    rules.add(new Rule(op, blobId, new AtomicInteger(times), error));
    return this;
  }

  /** Reads of matching blobs return {@code mutate}d bytes. */
  public FaultInjectingBlobStorage corruptReads(
      Predicate<String> blobId, UnaryOperator<byte[]> mutate) {
    this.corrupt = blobId;
    this.corruption = mutate;
    return this;
  }

  private void check(Op op, String id) throws IOException {
    for (Rule r : rules) {
      if (r.op == op && r.blobId.test(id) && r.remaining.getAndDecrement() > 0) {
        throw r.error;
      }
    }
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    check(Op.GET, blobId);
    byte[] b = inner.get(blobId, offset, length);
    return corrupt.test(blobId) ? corruption.apply(b.clone()) : b;
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    check(Op.PUT, blobId);
    inner.put(blobId, data);
  }

  @Override
  public void put(String blobId, byte[] data, BlobRetention retention) throws IOException {
    check(Op.PUT, blobId);
    inner.put(blobId, data, retention);
  }

  @Override
  public void delete(String blobId) throws IOException {
    check(Op.DELETE, blobId);
    inner.delete(blobId);
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    check(Op.LIST, prefix);
    inner.list(prefix, each);
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    check(Op.STAT, blobId);
    return inner.stat(blobId);
  }
}
