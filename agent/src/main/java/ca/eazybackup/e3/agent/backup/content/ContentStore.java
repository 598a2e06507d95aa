package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The content layer (Kopia repo/content): hashes, deduplicates, compresses, encrypts and packs byte
 * chunks, and finds them again by id. The object layer above never sees packs or indexes.
 * Thread-safe: the uploader writes from several threads.
 */
public interface ContentStore {

  /**
   * Stores {@code data} unless a content with the same id exists, and returns the id.
   *
   * @param prefix "" for file data, or one letter: {@code k} directories, {@code m} manifests,
   *     {@code x} indirect lists
   * @param compressor Kopia compressor name ({@code zstd}, {@code s2-default}, ...), or "none"
   */
  ContentId write(byte[] data, int offset, int length, String prefix, String compressor)
      throws IOException;

  /** The plaintext of {@code id}, decrypted, decompressed and verified against its hash. */
  byte[] read(ContentId id) throws IOException;

  boolean exists(ContentId id) throws IOException;

  /** The live (not deleted) index entry of {@code id}: which pack, where, how long; or null. */
  ContentInfo info(ContentId id) throws IOException;

  /**
   * Splits {@code ids} into groups that are cheapest to read together, for bulk readers (restore):
   * Kopia's store groups contents that lie close together in one pack so that a group is one ranged
   * GET instead of one per content. This default reads every content alone.
   */
  default List<List<ContentId>> groupForReading(Collection<ContentId> ids) throws IOException {
    return ids.stream().map(List::of).toList();
  }

  /**
   * Reads one group made by {@link #groupForReading} and hands each content's plaintext, verified
   * against its hash exactly like {@link #read}, to {@code each}, in no particular order.
   */
  default void readGroup(List<ContentId> group, ContentConsumer each) throws IOException {
    for (ContentId id : group) {
      byte[] plain = read(id);
      each.accept(id, plain, 0, plain.length);
    }
  }

  /**
   * Receives one verified content of a group read: bytes {@code [offset, offset + length)} of
   * {@code buf}, valid only during the call (the store may reuse the buffer for the next content,
   * so a bulk read allocates no array per content). May throw.
   */
  @FunctionalInterface
  interface ContentConsumer {
    void accept(ContentId id, byte[] buf, int offset, int length) throws IOException;
  }

  /** Lists live (not deleted) contents whose id starts with {@code prefix}. */
  void list(String prefix, Consumer<ContentInfo> each) throws IOException;

  /** Writes a deletion marker for {@code id}. */
  void delete(ContentId id) throws IOException;

  /**
   * Makes everything written so far durable: open packs are written, then the index blobs that
   * reference them. A snapshot manifest may only be written after this returns.
   */
  void flush() throws IOException;
}
