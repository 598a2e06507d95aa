package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.compression.Compressor;
import ca.eazybackup.e3.agent.backup.compression.Compressors;
import ca.eazybackup.e3.agent.backup.content.ContentStore.ContentConsumer;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.DecryptionException;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads contents back: from the metadata cache, an unwritten pack in memory, or a ranged GET of the
 * stored pack; every read decrypts (AEAD authenticates), decompresses by the index's header id and
 * checks the keyed hash of the plaintext against the content id. Bulk readers group contents that
 * lie close together in one pack so a group is one GET.
 */
final class ContentReader {
  private static final Logger LOG = LoggerFactory.getLogger(ContentReader.class);

  /** Largest gap of unneeded bytes worth downloading to save a request. */
  private static final long READ_GAP = 512 << 10;

  /** Largest span one grouped read downloads (bounds memory per reader thread). */
  private static final long READ_SPAN = 8 << 20;

  /** Buffers kept per reading thread up to this size (a chunk is at most 8 MiB by default). */
  private static final int MAX_KEPT_BUFFER = 9 << 20;

  private final BlobStorage storage;
  private final HashFunction hash;
  private final ContentEncryptor encryptor;
  private final MetadataCache metadataCache;
  private final PackWriterPool packs;
  private final Function<ContentId, ContentInfo> liveEntry;
  private final ThreadLocal<DecodeBuffers> decodeBuffers =
      ThreadLocal.withInitial(DecodeBuffers::new);

  /**
   * @param liveEntry the live (not deleted) index entry of an id, or null
   * @param metadataCache prefixed contents as stored, or null for none
   */
  ContentReader(
      BlobStorage storage,
      HashFunction hash,
      ContentEncryptor encryptor,
      MetadataCache metadataCache,
      PackWriterPool packs,
      Function<ContentId, ContentInfo> liveEntry) {
    this.storage = storage;
    this.hash = hash;
    this.encryptor = encryptor;
    this.metadataCache = metadataCache;
    this.packs = packs;
    this.liveEntry = liveEntry;
  }

  static byte[] ivOf(ContentId id) {
    String v = id.value();
    return HexFormat.of().parseHex(v, v.length() - 32, v.length());
  }

  /** Keeps a just-written metadata content's ciphertext, so reading it back costs no GET. */
  void cacheWritten(ContentId id, byte[] cipher) {
    if (metadataCache != null && !id.prefix().isEmpty()) {
      metadataCache.put(id, cipher);
    }
  }

  byte[] read(ContentId id) throws IOException {
    ContentInfo info = liveEntry.apply(id);
    if (info == null) {
      throw new ContentNotFoundException(id);
    }
    boolean metadata = !id.prefix().isEmpty();
    byte[] cached = metadata && metadataCache != null ? metadataCache.get(id) : null;
    if (cached != null) {
      try {
        return decode(info, cached);
      } catch (ContentCorruptedException stale) {
        LOG.debug("event=metadata_cache_stale content={}", id);
        metadataCache.drop(id);
      }
    }
    byte[] cipher = packs.unwrittenSlice(info);
    if (cipher == null) {
      cipher = getStored(info.packBlobId(), info.packOffset(), info.packedLength(), id);
    }
    byte[] plain = decode(info, cipher);
    if (metadata && metadataCache != null) {
      metadataCache.put(id, cipher);
    }
    return plain;
  }

  private byte[] getStored(String pack, long offset, long length, ContentId first)
      throws IOException {
    try {
      return storage.get(pack, offset, length);
    } catch (BlobNotFoundException e) {
      throw new ContentCorruptedException(
          "content " + first + " is in pack " + pack + ", which is missing", e);
    }
  }

  /**
   * Groups contents by pack and, within a pack, into runs close enough to fetch with one ranged GET
   * (gaps up to 512 KiB, spans up to 8 MiB). Contents still in memory or not found are alone. Each
   * group carries the index entries found here, so {@link #readGroup} does not look them up again.
   */
  List<List<ContentId>> groupForReading(Collection<ContentId> ids) {
    List<List<ContentId>> groups = new ArrayList<>();
    Map<String, List<ContentInfo>> byPack = new HashMap<>();
    for (ContentId id : ids) {
      ContentInfo info = liveEntry.apply(id);
      if (info == null || packs.isUnwritten(info.packBlobId())) {
        groups.add(List.of(id));
      } else {
        byPack.computeIfAbsent(info.packBlobId(), k -> new ArrayList<>()).add(info);
      }
    }
    for (List<ContentInfo> inPack : byPack.values()) {
      inPack.sort(Comparator.comparingLong(ContentInfo::packOffset));
      List<ContentInfo> run = new ArrayList<>();
      long runStart = 0;
      long runEnd = 0;
      for (ContentInfo c : inPack) {
        long end = c.packOffset() + c.packedLength();
        if (!run.isEmpty() && (c.packOffset() - runEnd > READ_GAP || end - runStart > READ_SPAN)) {
          groups.add(new InfoGroup(run));
          run = new ArrayList<>();
        }
        if (run.isEmpty()) {
          runStart = c.packOffset();
          runEnd = end;
        }
        run.add(c);
        runEnd = Math.max(runEnd, end);
      }
      if (!run.isEmpty()) {
        groups.add(new InfoGroup(run));
      }
    }
    return groups;
  }

  /** A read group of one stored pack, in pack order, with the index entries of its contents. */
  private static final class InfoGroup extends AbstractList<ContentId> {
    final List<ContentInfo> infos;

    InfoGroup(List<ContentInfo> infos) {
      this.infos = infos;
    }

    @Override
    public ContentId get(int i) {
      return infos.get(i).id();
    }

    @Override
    public int size() {
      return infos.size();
    }
  }

  /**
   * One ranged GET for the whole group, then each content decrypted, decompressed and verified
   * against its hash (once) in this thread's reused buffers, and handed over as a slice.
   */
  void readGroup(List<ContentId> group, ContentConsumer each) throws IOException {
    List<ContentInfo> infos;
    if (group instanceof InfoGroup g) {
      infos = g.infos;
    } else {
      infos = new ArrayList<>(group.size());
      for (ContentId id : group) {
        infos.add(liveEntry.apply(id));
      }
    }
    String pack = null;
    long start = Long.MAX_VALUE;
    long end = 0;
    for (ContentInfo info : infos) {
      if (info == null
          || packs.isUnwritten(info.packBlobId())
          || (pack != null && !pack.equals(info.packBlobId()))) {
        for (ContentId id : group) { // not one stored pack: read one by one
          byte[] plain = read(id);
          each.accept(id, plain, 0, plain.length);
        }
        return;
      }
      pack = info.packBlobId();
      start = Math.min(start, info.packOffset());
      end = Math.max(end, info.packOffset() + info.packedLength());
    }
    if (pack == null) {
      return;
    }
    byte[] range = getStored(pack, start, end - start, group.get(0));
    DecodeBuffers buffers = decodeBuffers.get();
    for (ContentInfo info : infos) {
      int off = (int) (info.packOffset() - start);
      if (range.length < off + info.packedLength()) {
        throw new ContentCorruptedException(
            "content " + info.id() + " in pack " + pack + ": short read (pack ends early)");
      }
      decodeInto(info, range, off, buffers, each);
    }
  }

  /** One reading thread's decrypt and decompress buffers, reused from content to content. */
  private static final class DecodeBuffers {
    private final ReusedArray plain = new ReusedArray();
    private final ReusedArray inflated = new ReusedArray();

    byte[] plain(int n) {
      return plain.atLeast(n);
    }

    byte[] inflated(int n) {
      return inflated.atLeast(n);
    }
  }

  /** An array kept for the next call unless it grew past {@link #MAX_KEPT_BUFFER}. */
  private static final class ReusedArray {
    private byte[] kept = new byte[0];

    byte[] atLeast(int n) {
      if (kept.length >= n) {
        return kept;
      }
      byte[] b = new byte[roundUp(n)];
      if (b.length <= MAX_KEPT_BUFFER) {
        kept = b;
      }
      return b;
    }

    /** Up to a 64 KiB multiple, so a run of similar sizes does not regrow the buffer each time. */
    private static int roundUp(int n) {
      long r = ((long) n + 0xffff) & ~0xffffL;
      return r > Integer.MAX_VALUE - 16 ? n : (int) r;
    }
  }

  /** Decodes one content of a group read into {@code buffers} and hands the slice over. */
  private void decodeInto(
      ContentInfo info, byte[] buf, int off, DecodeBuffers buffers, ContentConsumer each)
      throws IOException {
    ContentId id = info.id();
    int packed = (int) info.packedLength();
    byte[] plain = buffers.plain(Math.max(0, packed - ContentEncryptor.OVERHEAD));
    int n;
    try {
      n = encryptor.decryptInto(buf, off, packed, ivOf(id), plain, 0);
    } catch (DecryptionException e) {
      throw corrupted(info, e);
    }
    byte[] out = plain;
    int length = n;
    if (info.compressionHeaderId() != Compressors.NONE_ID) {
      Compressor c = Compressors.byHeaderId(info.compressionHeaderId());
      int original = originalLengthOf(info);
      byte[] inflated = original < 0 ? null : buffers.inflated(original);
      int m = inflated == null ? -1 : c.decompressInto(plain, 0, n, inflated, 0, original);
      if (m >= 0) {
        out = inflated;
        length = m;
      } else {
        out = c.decompress(plain, 0, n, original);
        length = out.length;
      }
    }
    if (!MessageDigest.isEqual(hash.hash(out, 0, length), id.hash())) {
      throw mismatch(info);
    }
    each.accept(id, out, 0, length);
  }

  /** Decrypts, decompresses and verifies one content's whole ciphertext. */
  byte[] decode(ContentInfo info, byte[] cipher) throws IOException {
    ContentId id = info.id();
    if (cipher.length != info.packedLength()) {
      throw new ContentCorruptedException(
          "content "
              + id
              + " in pack "
              + info.packBlobId()
              + ": short read ("
              + cipher.length
              + " of "
              + info.packedLength()
              + " bytes)");
    }
    byte[] plain;
    try {
      plain = encryptor.decrypt(cipher, 0, cipher.length, ivOf(id));
    } catch (DecryptionException e) {
      throw corrupted(info, e);
    }
    if (info.compressionHeaderId() != Compressors.NONE_ID) {
      plain =
          Compressors.byHeaderId(info.compressionHeaderId())
              .decompress(plain, 0, plain.length, originalLengthOf(info));
    }
    if (!MessageDigest.isEqual(hash.hash(plain), id.hash())) {
      throw mismatch(info);
    }
    return plain;
  }

  private static ContentCorruptedException corrupted(ContentInfo info, DecryptionException e) {
    return new ContentCorruptedException(
        "content "
            + info.id()
            + " in pack "
            + info.packBlobId()
            + " is corrupted: "
            + e.getMessage(),
        e);
  }

  private static ContentCorruptedException mismatch(ContentInfo info) {
    return new ContentCorruptedException(
        "content " + info.id() + " in pack " + info.packBlobId() + " does not match its hash");
  }

  /** The index's decompressed length, or -1 (unknown) when it cannot be an array size. */
  private static int originalLengthOf(ContentInfo info) {
    long n = info.originalLength();
    return n >= 0 && n <= Integer.MAX_VALUE - 16 ? (int) n : -1;
  }
}
