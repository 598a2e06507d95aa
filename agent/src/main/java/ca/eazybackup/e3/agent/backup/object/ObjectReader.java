package ca.eazybackup.e3.agent.backup.object;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Random access to one object: {@link #read} at any offset, so a large file can be restored by
 * several workers in ranges. Every content comes from {@link ContentStore#read}, which verifies it
 * against its hash. Instances are cheap; use one per thread ({@link #copy}).
 */
public final class ObjectReader {
  private final ContentStore store;
  private final ObjectId id;
  private final List<IndirectEntry> entries;
  private final long length;
  private int cachedIndex = -1;
  private byte[] cached;
  private Executor aheadPool;
  private int aheadChunks;
  private long aheadEnd;
  private final Map<Integer, CompletableFuture<byte[]>> ahead = new HashMap<>();

  private ObjectReader(ContentStore store, ObjectId id, List<IndirectEntry> entries, long length) {
    this.store = store;
    this.id = id;
    this.entries = entries;
    this.length = length;
  }

  static ObjectReader open(ContentStore store, ObjectId id) throws IOException {
    if (id.legacyCompressed()) {
      throw new CorruptObjectException(
          "object " + id + " uses format v1 object-level compression, not supported yet", null);
    }
    if (!id.isIndirect()) {
      byte[] data = store.read(id.contentId());
      ObjectReader r =
          new ObjectReader(
              store, id, List.of(new IndirectEntry(0, data.length, id.value())), data.length);
      r.cachedIndex = 0;
      r.cached = data;
      return r;
    }
    ObjectReader list = open(store, id.listObject());
    if (list.length() > Integer.MAX_VALUE - 16) {
      throw new CorruptObjectException("list object of " + id + " is too large", null);
    }
    byte[] json = list.readAll();
    List<IndirectEntry> entries = IndirectList.decode(json, id);
    long length = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).end();
    return new ObjectReader(store, id, Collections.unmodifiableList(entries), length);
  }

  public ObjectId id() {
    return id;
  }

  public long length() {
    return length;
  }

  /** A reader of the same object with its own chunk cache, for another thread. */
  public ObjectReader copy() {
    return new ObjectReader(store, id, entries, length);
  }

  /**
   * A reader of the same object that, as each chunk is reached, fetches the next {@code chunks}
   * chunks that start before {@code end} on {@code pool}: a reader streaming a file front to back
   * then waits for one chunk's fetch, decryption and hash check only at the start, while the rest
   * run on other cores and overlap the round trips. Chunks past {@code end} (a ranged read) are
   * never fetched ahead. {@link #stopReadingAhead} cancels what is in flight.
   */
  public ObjectReader readingAhead(Executor pool, int chunks, long end) {
    ObjectReader r = copy();
    r.aheadPool = pool;
    r.aheadChunks = chunks;
    r.aheadEnd = end;
    return r;
  }

  /** Cancels the chunks fetched ahead and not read (a stream closed before its end). */
  public void stopReadingAhead() {
    ahead.values().forEach(f -> f.cancel(false));
    ahead.clear();
  }

  /** Reads up to {@code len} bytes at {@code position}; returns -1 at the end. */
  public int read(long position, byte[] b, int off, int len) throws IOException {
    if (position >= length) {
      return -1;
    }
    int done = 0;
    while (done < len && position < length) {
      int index = find(position);
      byte[] chunk = chunk(index);
      IndirectEntry e = entries.get(index);
      int inChunk = (int) (position - e.start());
      int n = Math.min(len - done, chunk.length - inChunk);
      System.arraycopy(chunk, inChunk, b, off + done, n);
      done += n;
      position += n;
    }
    return done;
  }

  /** The whole object, for small ones (directories, lists, manifests). */
  public byte[] readAll() throws IOException {
    if (length > Integer.MAX_VALUE - 16) {
      throw new CorruptObjectException("object " + id + " is too large to read at once", null);
    }
    byte[] out = new byte[(int) length];
    int n = 0;
    while (n < out.length) {
      int r = read(n, out, n, out.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    return out;
  }

  public InputStream stream() {
    return new InputStream() {
      private long pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n = ObjectReader.this.read(pos, b, off, len);
        if (n > 0) {
          pos += n;
        }
        return n;
      }
    };
  }

  private int find(long position) {
    if (cachedIndex >= 0) {
      IndirectEntry e = entries.get(cachedIndex);
      if (position >= e.start() && position < e.end()) {
        return cachedIndex;
      }
    }
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (entries.get(mid).start() <= position) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private byte[] chunk(int index) throws IOException {
    if (index == cachedIndex) {
      return cached;
    }
    byte[] data;
    if (aheadPool == null) {
      data = load(index);
    } else {
      CompletableFuture<byte[]> f = ahead.remove(index);
      readAheadFrom(index);
      data = f != null ? await(f) : load(index);
    }
    cachedIndex = index;
    cached = data;
    return data;
  }

  /** Keeps chunks {@code index+1 .. index+aheadChunks} in flight, and only those. */
  private void readAheadFrom(int index) {
    int last = Math.min(entries.size() - 1, index + aheadChunks);
    ahead
        .entrySet()
        .removeIf(
            e -> {
              boolean out = e.getKey() <= index || e.getKey() > last;
              if (out) {
                e.getValue().cancel(false);
              }
              return out;
            });
    for (int i = index + 1; i <= last && entries.get(i).start() < aheadEnd; i++) {
      int k = i;
      ahead.computeIfAbsent(
          k,
          x ->
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return load(x);
                    } catch (IOException e) {
                      throw new CompletionException(e);
                    }
                  },
                  aheadPool));
    }
  }

  private static byte[] await(CompletableFuture<byte[]> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a chunk was arriving");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }

  /** Fetches chunk {@code index} (no state of this reader is touched: read-aheads call it). */
  private byte[] load(int index) throws IOException {
    IndirectEntry e = entries.get(index);
    ObjectId part = new ObjectId(e.object());
    byte[] data =
        part.isIndirect() || part.legacyCompressed()
            ? open(store, part).readAll()
            : store.read(part.contentId());
    if (data.length != e.length()) {
      throw new CorruptObjectException(
          "object "
              + id
              + ": chunk "
              + part
              + " has "
              + data.length
              + " bytes, list says "
              + e.length(),
          null);
    }
    return data;
  }

  /** Calls {@code each} for every content this object is made of (lists included). */
  static void contents(ContentStore store, ObjectId id, ContentSink each) throws IOException {
    if (!id.isIndirect()) {
      each.accept(id.contentId());
      return;
    }
    contents(store, id.listObject(), each);
    byte[] json = open(store, id.listObject()).readAll();
    for (IndirectEntry e : IndirectList.decode(json, id)) {
      contents(store, new ObjectId(e.object()), each);
    }
  }

  /** Receives content ids; may throw. */
  @FunctionalInterface
  public interface ContentSink {
    void accept(ContentId id) throws IOException;
  }
}
