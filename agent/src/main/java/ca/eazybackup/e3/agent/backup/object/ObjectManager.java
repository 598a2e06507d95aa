package ca.eazybackup.e3.agent.backup.object;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.splitter.Splitter;
import ca.eazybackup.e3.agent.backup.splitter.Splitters;
import java.io.IOException;
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

  /** Every content id the object consists of, list objects included. */
  public void contentsOf(ObjectId id, ObjectReader.ContentSink each) throws IOException {
    ObjectReader.contents(store, id, each);
  }
}
