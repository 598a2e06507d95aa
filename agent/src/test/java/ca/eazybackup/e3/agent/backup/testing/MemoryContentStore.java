package ca.eazybackup.e3.agent.backup.testing;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A content store in memory for the upper layers' tests: SHA-256/128 ids, writes pending until
 * {@link #flush()}, {@link #crash()} loses what was not flushed (as a killed process would), and
 * faults can be injected after N operations. Reads verify the hash, like the real store.
 */
public final class MemoryContentStore implements ContentStore {
  private final Map<ContentId, byte[]> durable = new TreeMap<>();
  private final Map<ContentId, byte[]> pending = new TreeMap<>();
  private final Map<ContentId, Boolean> deleted = new TreeMap<>();
  private final Map<ContentId, Boolean> pendingDeletes = new TreeMap<>();
  private final AtomicLong operations = new AtomicLong();
  private volatile long failAt = Long.MAX_VALUE;
  public final AtomicLong writes = new AtomicLong();
  public final AtomicLong bytesWritten = new AtomicLong();
  public final AtomicLong reads = new AtomicLong();

  /** Every operation after the next {@code n} throws, until {@link #heal()}. */
  public void failAfter(long n) {
    operations.set(0);
    faultsFired.set(0);
    failAt = n;
  }

  public void heal() {
    failAt = Long.MAX_VALUE;
  }

  /** Drops everything not flushed, as if the process died. */
  public synchronized void crash() {
    pending.clear();
    pendingDeletes.clear();
    heal();
  }

  /** Flips a byte of a stored content so that reading it fails verification. */
  public synchronized void corrupt(ContentId id) {
    byte[] b = durable.containsKey(id) ? durable.get(id) : pending.get(id);
    b[b.length / 2] ^= 0x55;
  }

  public synchronized int size() {
    return durable.size() + pending.size();
  }

  public synchronized int countWithPrefix(String prefix) {
    int[] n = {0};
    try {
      list(prefix, i -> n[0]++);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return n[0];
  }

  /** The fault {@link #failAfter} injects, so a test can tell it from any other failure. */
  public static final class InjectedFault extends IOException {
    private static final long serialVersionUID = 1L;

    InjectedFault() {
      super("injected storage fault");
    }
  }

  /** How many operations threw the injected fault since the last {@link #failAfter}. */
  public final AtomicLong faultsFired = new AtomicLong();

  /** Operations since the last {@link #failAfter} (or since creation). */
  public long operations() {
    return operations.get();
  }

  private void maybeFail() throws IOException {
    if (operations.incrementAndGet() > failAt) {
      faultsFired.incrementAndGet();
      throw new InjectedFault();
    }
  }

  static byte[] hash(byte[] data, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, off, len);
      return Arrays.copyOf(md.digest(), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ContentId write(byte[] data, int offset, int length, String prefix, String compressor)
      throws IOException {
    maybeFail();
    ContentId id = ContentId.of(prefix, hash(data, offset, length));
    synchronized (this) {
      writes.incrementAndGet();
      boolean live =
          (durable.containsKey(id) && !deleted.containsKey(id)) || pending.containsKey(id);
      if (live && !pendingDeletes.containsKey(id)) {
        return id;
      }
      pending.put(id, Arrays.copyOfRange(data, offset, offset + length));
      pendingDeletes.remove(id);
      bytesWritten.addAndGet(length);
    }
    return id;
  }

  @Override
  public byte[] read(ContentId id) throws IOException {
    maybeFail();
    byte[] b;
    synchronized (this) {
      reads.incrementAndGet();
      b = pending.containsKey(id) ? pending.get(id) : durable.get(id);
    }
    if (b == null) {
      throw new IOException("content " + id + " not found");
    }
    if (!Arrays.equals(hash(b, 0, b.length), id.hash())) {
      throw new IOException("content " + id + " failed verification: its data does not match");
    }
    return b.clone();
  }

  @Override
  public synchronized ContentInfo info(ContentId id) {
    byte[] b = pending.containsKey(id) ? pending.get(id) : durable.get(id);
    if (b == null || (!pending.containsKey(id) && deleted.containsKey(id))) {
      return null;
    }
    return new ContentInfo(id, "p0", 0, b.length, b.length, 0, false, Instant.EPOCH);
  }

  @Override
  public synchronized boolean exists(ContentId id) {
    return pending.containsKey(id) || (durable.containsKey(id) && !deleted.containsKey(id));
  }

  @Override
  public void list(String prefix, Consumer<ContentInfo> each) throws IOException {
    maybeFail();
    Map<ContentId, byte[]> all;
    synchronized (this) {
      all = new TreeMap<>(durable);
      deleted.keySet().forEach(all::remove);
      all.putAll(pending);
      pendingDeletes.keySet().forEach(all::remove);
    }
    for (Map.Entry<ContentId, byte[]> e : all.entrySet()) {
      if (e.getKey().value().startsWith(prefix)) {
        int n = e.getValue().length;
        each.accept(new ContentInfo(e.getKey(), "p0", 0, n, n, 0, false, Instant.EPOCH));
      }
    }
  }

  @Override
  public void delete(ContentId id) throws IOException {
    maybeFail();
    synchronized (this) {
      pendingDeletes.put(id, true);
    }
  }

  @Override
  public void flush() throws IOException {
    maybeFail();
    synchronized (this) {
      durable.putAll(pending);
      for (ContentId id : pending.keySet()) {
        deleted.remove(id);
      }
      for (ContentId id : pendingDeletes.keySet()) {
        pending.remove(id);
        deleted.put(id, true);
      }
      pending.clear();
      pendingDeletes.clear();
    }
  }

  /** Everything the store holds, to put back with {@link #restore}. */
  public record State(
      Map<ContentId, byte[]> durable,
      Map<ContentId, byte[]> pending,
      Map<ContentId, Boolean> deleted,
      Map<ContentId, Boolean> pendingDeletes) {}

  public synchronized State snapshot() {
    return new State(
        new TreeMap<>(durable),
        new TreeMap<>(pending),
        new TreeMap<>(deleted),
        new TreeMap<>(pendingDeletes));
  }

  /** Back to {@code s}, as if nothing happened since it was taken. */
  public synchronized void restore(State s) {
    durable.clear();
    durable.putAll(s.durable());
    pending.clear();
    pending.putAll(s.pending());
    deleted.clear();
    deleted.putAll(s.deleted());
    pendingDeletes.clear();
    pendingDeletes.putAll(s.pendingDeletes());
  }
}
