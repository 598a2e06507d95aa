package ca.eazybackup.e3.agent.backup.object;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.splitter.Splitter;
import ca.eazybackup.e3.agent.backup.splitter.Splitters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The object layer over one content store: writers, readers, and content walks for GC. */
public final class ObjectManager {
  private final ContentStore store;
  private final Supplier<Splitter> splitters;

  public ObjectManager(ContentStore store, String splitterName) {
    this.store = store;
    this.splitters = Splitters.factory(splitterName);
  }

  public ContentStore contents() {
    return store;
  }

  /**
   * A writer for one object.
   *
   * @param prefix "" for file data, {@code k} for directories
   * @param compressor Kopia compressor name or "none"
   */
  public ObjectWriter newWriter(String prefix, String compressor) {
    return new ObjectWriter(store, splitters, prefix, compressor);
  }

  /**
   * As {@link #newWriter(String, String)}, with the expected size so a small file does not get a 64
   * KiB chunk buffer (a million tiny files would allocate 64 GB of them).
   */
  public ObjectWriter newWriter(String prefix, String compressor, long expectedSize) {
    return new ObjectWriter(store, splitters, prefix, compressor, expectedSize);
  }

  public ObjectId write(byte[] data, String prefix, String compressor) throws IOException {
    try (ObjectWriter w = newWriter(prefix, compressor, data.length)) {
      w.write(data, 0, data.length);
      return w.result();
    }
  }

  public ObjectReader open(ObjectId id) throws IOException {
    return ObjectReader.open(store, id);
  }

  public byte[] readAll(ObjectId id) throws IOException {
    return open(id).readAll();
  }

  /**
   * The data contents of an object of {@code length} bytes, in order with their offsets, without
   * reading them: a direct object is one content; an indirect one costs a read of its list(s). Bulk
   * readers (restore) use this to fetch contents grouped by pack instead of one by one.
   */
  public List<ObjectChunk> chunks(ObjectId id, long length) throws IOException {
    List<ObjectChunk> out = new ArrayList<>();
    addChunks(id, 0, length, out);
    return out;
  }

  private void addChunks(ObjectId id, long base, long length, List<ObjectChunk> out)
      throws IOException {
    if (id.legacyCompressed()) {
      throw new CorruptObjectException(
          "object " + id + " uses format v1 object-level compression, not supported yet", null);
    }
    if (!id.isIndirect()) {
      out.add(new ObjectChunk(base, length, id.contentId()));
      return;
    }
    byte[] json = open(id.listObject()).readAll();
    long expected = base;
    for (IndirectEntry e : IndirectList.decode(json, id)) {
      if (e.start() != expected - base) {
        throw new CorruptObjectException("object " + id + ": its list has a gap or overlap", null);
      }
      addChunks(new ObjectId(e.object()), base + e.start(), e.length(), out);
      expected = base + e.end();
    }
    if (expected - base != length) {
      throw new CorruptObjectException(
          "object " + id + " holds " + (expected - base) + " bytes, expected " + length, null);
    }
  }

  /** Every content id the object consists of, list objects included. */
  public void contentsOf(ObjectId id, ObjectReader.ContentSink each) throws IOException {
    ObjectReader.contents(store, id, each);
  }
}
