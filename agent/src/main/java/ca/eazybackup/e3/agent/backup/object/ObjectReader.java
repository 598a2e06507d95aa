package ca.eazybackup.e3.agent.backup.object;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;

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
    cachedIndex = index;
    cached = data;
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
