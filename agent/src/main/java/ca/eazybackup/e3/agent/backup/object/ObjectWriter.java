package ca.eazybackup.e3.agent.backup.object;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.splitter.Splitter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes one object (Kopia repo/object/object_writer.go): bytes go through the splitter, each chunk
 * becomes a content; one chunk ⇒ its content id, several ⇒ {@code I} + a list object written the
 * same way (prefix kept, or {@code x} for data objects, so lists land in metadata packs). Not
 * thread-safe: one writer per object.
 */
public final class ObjectWriter extends OutputStream {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final ContentStore store;
  private final Supplier<Splitter> splitters;
  private final Splitter splitter;
  private final String prefix;
  private final String compressor;
  private final List<IndirectEntry> entries = new ArrayList<>();
  private byte[] buffer;
  private int buffered;
  private long position;
  private ObjectId result;

  ObjectWriter(ContentStore store, Supplier<Splitter> splitters, String prefix, String compressor) {
    this(store, splitters, prefix, compressor, INITIAL_BUFFER);
  }

  ObjectWriter(
      ContentStore store,
      Supplier<Splitter> splitters,
      String prefix,
      String compressor,
      long expectedSize) {
    this.store = store;
    this.splitters = splitters;
    this.splitter = splitters.get();
    this.prefix = prefix == null ? "" : prefix;
    this.compressor = compressor == null ? "none" : compressor;
    // Sized to the file (up to the largest chunk) rather than grown from 64 KiB by doubling: each
    // doubling of a chunk-sized buffer left the old array as garbage (a 1 MiB file allocated 2
    // MiB), and that churn of large arrays is what grew the heap in a first backup.
    long hint = Math.max(16, expectedSize + 1);
    this.buffer = new byte[(int) Math.min(hint, splitter.maxSegmentSize())];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] data, int off, int len) throws IOException {
    if (result != null) {
      throw new IllegalStateException("object already finished");
    }
    while (len > 0) {
      int cut = splitter.nextSplitPoint(data, off, len);
      int take = cut < 0 ? len : cut;
      append(data, off, take);
      off += take;
      len -= take;
      if (cut >= 0) {
        flushChunk();
      }
    }
  }

  private void append(byte[] data, int off, int len) {
    if (buffered + len > buffer.length) {
      int size = Math.max(buffered + len, Math.min(buffer.length * 2, splitter.maxSegmentSize()));
      buffer = Arrays.copyOf(buffer, size);
    }
    System.arraycopy(data, off, buffer, buffered, len);
    buffered += len;
  }

  private void flushChunk() throws IOException {
    ContentId id = store.write(buffer, 0, buffered, prefix, compressor);
    entries.add(new IndirectEntry(position, buffered, id.value()));
    position += buffered;
    buffered = 0;
  }

  /** Finishes the object and returns its id; idempotent. */
  public ObjectId result() throws IOException {
    if (result != null) {
      return result;
    }
    if (buffered > 0 || entries.isEmpty()) {
      flushChunk();
    }
    if (entries.size() == 1) {
      result = new ObjectId(entries.get(0).object());
    } else {
      ObjectWriter list =
          new ObjectWriter(store, splitters, prefix.isEmpty() ? "x" : prefix, "none");
      list.write(IndirectList.encode(entries));
      result = ObjectId.indirect(list.result());
    }
    buffer = null;
    return result;
  }

  /** Bytes written so far. */
  public long length() {
    return position + buffered;
  }

  @Override
  public void close() {
    buffer = null;
  }
}
