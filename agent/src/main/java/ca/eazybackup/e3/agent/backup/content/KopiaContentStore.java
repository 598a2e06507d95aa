package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.compression.Compressor;
import ca.eazybackup.e3.agent.backup.compression.Compressors;
import ca.eazybackup.e3.agent.backup.compression.UnsupportedCompressorException;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content layer on Kopia's format (kopia repo/content): contents are hashed, deduplicated
 * against the committed indexes and this session's pending entries, compressed, encrypted and
 * appended to one open pack per kind. {@link #flush()} stores the open packs, waits for every
 * upload, and only then writes the index blob naming them.
 *
 * <p>The jobs are parts of their own: {@link IndexBlobs} (which index blobs are live, loading and
 * writing them), {@link PackWriterPool} (open packs and their bounded uploads), {@link
 * WriteSession} (session id and marker), {@link PendingEntries} (this session's entries) and {@link
 * ContentReader} (decoding reads). Hashing, compression and encryption run on the caller's thread
 * without any lock; the locks cover only the dedup check and the append.
 */
public final class KopiaContentStore implements ContentStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KopiaContentStore.class);
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  /** Format facts and tuning. */
  public record Settings(
      int formatVersion,
      int indexVersion,
      int maxPackSize,
      boolean epochIndexes,
      int maxInFlightPacks,
      Path cacheDir) {}

  private final BlobStorage storage;
  private final HashFunction hash;
  private final ContentEncryptor encryptor;
  private final Settings settings;
  private final Clock clock;
  private final boolean readOnly;

  private final IndexBlobs indexBlobs;
  private final PendingEntries pending = new PendingEntries();
  private final WriteSession session;
  private final PackWriterPool packs;
  private final ContentReader reader;

  /** Flush takes the write side so no write interleaves with an index commit. */
  private final ReentrantReadWriteLock flushLock = new ReentrantReadWriteLock();

  private final ThreadLocal<byte[]> compressScratch = new ThreadLocal<>();

  private final ReentrantLock indexLock = new ReentrantLock();
  private volatile int durableIndexThreshold =
      Integer.getInteger("e3.kopia.durableIndexEntries", 100_000);

  private KopiaContentStore(
      BlobStorage storage,
      HashFunction hash,
      ContentEncryptor encryptor,
      Settings settings,
      Clock clock) {
    this.storage = storage;
    this.hash = hash;
    this.encryptor = encryptor;
    this.settings = settings;
    this.clock = clock;
    this.readOnly = !settings.epochIndexes() || settings.formatVersion() < 2;
    NamedBlobs namedBlobs = new NamedBlobs(hash, encryptor);
    this.indexBlobs =
        new IndexBlobs(
            storage,
            namedBlobs,
            settings.epochIndexes(),
            settings.indexVersion(),
            settings.formatVersion(),
            settings.cacheDir());
    this.session = new WriteSession(storage, namedBlobs, clock);
    this.packs =
        new PackWriterPool(
            storage,
            hash,
            encryptor,
            settings.maxPackSize(),
            settings.indexVersion(),
            settings.formatVersion(),
            settings.maxInFlightPacks(),
            session,
            pending);
    MetadataCache metadataCache =
        settings.cacheDir() == null
            ? null
            : new MetadataCache(
                settings.cacheDir().resolve("metadata"), MetadataCache.configuredMaxBytes());
    this.reader = new ContentReader(storage, hash, encryptor, metadataCache, packs, this::info);
  }

  /**
   * The index blobs an epoch-format store loads at open, given the listing of its {@code x} blobs:
   * what a caller fetching them ahead of the open should fetch.
   */
  public static List<String> indexBlobsToLoad(List<BlobMetadata> xBlobs) {
    return EpochIndexSet.compute(xBlobs).indexBlobs().stream().map(BlobMetadata::blobId).toList();
  }

  /** Where a store whose cache folder is {@code storeCache} keeps its copy of an index blob. */
  public static Path indexCacheFile(Path storeCache, String blobId) {
    return storeCache.resolve("indexes").resolve(blobId);
  }

  /** Opens the store and loads the committed indexes. */
  public static KopiaContentStore open(
      BlobStorage storage, HashFunction hash, ContentEncryptor encryptor, Settings settings)
      throws IOException {
    return open(storage, hash, encryptor, settings, Clock.systemUTC());
  }

  /** Opens the store; index entries and session markers are stamped by {@code clock}. */
  public static KopiaContentStore open(
      BlobStorage storage,
      HashFunction hash,
      ContentEncryptor encryptor,
      Settings settings,
      Clock clock)
      throws IOException {
    KopiaContentStore s = new KopiaContentStore(storage, hash, encryptor, settings, clock);
    s.refresh();
    return s;
  }

  /** Loads index blobs written since the last refresh (by this or any other writer). */
  public void refresh() throws IOException {
    indexBlobs.refresh();
  }

  // ---------------------------------------------------------------- lookups

  private ContentInfo lookup(ContentId id) {
    ContentInfo p = pending.get(id);
    return p != null ? p : indexBlobs.committed().get(id);
  }

  @Override
  public boolean exists(ContentId id) {
    ContentInfo i = lookup(id);
    return i != null && !i.deleted();
  }

  /** The live index entry of {@code id}, or null. */
  @Override
  public ContentInfo info(ContentId id) {
    ContentInfo i = lookup(id);
    return i == null || i.deleted() ? null : i;
  }

  @Override
  public void list(String prefix, Consumer<ContentInfo> each) {
    Map<ContentId, ContentInfo> seen = new HashMap<>();
    indexBlobs.committed().forEach(prefix, c -> seen.put(c.id(), c));
    pending.forEach(
        (id, c) -> {
          if (id.value().startsWith(prefix)) {
            seen.put(id, c);
          }
        });
    seen.values().stream()
        .filter(c -> !c.deleted())
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .forEach(each);
  }

  // ---------------------------------------------------------------- write

  private static void checkPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return;
    }
    if (prefix.length() != 1 || prefix.charAt(0) < 'g' || prefix.charAt(0) > 'z') {
      throw new IllegalArgumentException(
          "invalid content prefix '" + prefix + "': must be empty or one letter g..z");
    }
  }

  private void checkWritable() throws IOException {
    if (readOnly) {
      throw new IOException(
          "this repository (format version "
              + settings.formatVersion()
              + ", legacy indexes) is read-only for this agent");
    }
  }

  @Override
  public ContentId write(byte[] data, int offset, int length, String prefix, String compressor)
      throws IOException {
    checkPrefix(prefix);
    ContentId id = ContentId.of(prefix, hash.hash(data, offset, length));
    if (exists(id)) {
      return id;
    }
    checkWritable();
    Compressor.Compressed payload = null;
    int compression = Compressors.NONE_ID;
    Compressor c = settings.indexVersion() >= 2 ? compressorFor(compressor) : null;
    if (c != null) {
      Compressor.Compressed z = c.compressUntrimmed(data, offset, length, scratchFor(c, length));
      if (z.length() < length) {
        payload = z;
        compression = c.headerId();
      }
    }
    byte[] iv = ContentReader.ivOf(id);
    byte[] encrypted =
        payload != null
            ? encryptor.encrypt(payload.buffer(), 0, payload.length(), iv)
            : encryptor.encrypt(data, offset, length, iv);
    flushLock.readLock().lock();
    try {
      Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
      if (packs.append(id, encrypted, length, compression, now) != null) {
        reader.cacheWritten(id, encrypted);
      }
    } finally {
      flushLock.readLock().unlock();
    }
    if (pending.durableCount() >= durableIndexThreshold) {
      writeDurableIndex();
    }
    return id;
  }

  /**
   * This thread's compression buffer, at least {@code c}'s bound for {@code length} bytes (null
   * when the codec cannot use one). The output is encrypted into a new array before the thread's
   * next write, so one buffer per writer thread serves every content: a fresh chunk-sized array per
   * content (~4 MiB, a G1 humongous allocation each) made the heap grow to several times the live
   * data in a first backup.
   */
  private byte[] scratchFor(Compressor c, int length) {
    int need = c.maxCompressedLength(length);
    if (need <= 0) {
      return null;
    }
    byte[] s = compressScratch.get();
    if (s == null || s.length < need) {
      s = new byte[need];
      compressScratch.set(s);
    }
    return s;
  }

  /** For tests: how many durable pending entries trigger an index blob during the run. */
  void durableIndexThreshold(int entries) {
    durableIndexThreshold = entries;
  }

  /**
   * Writes an index blob for entries whose packs are stored (crash-safe: it names only durable
   * packs) and moves them from the pending entries to the committed index. The session stays open.
   */
  private void writeDurableIndex() throws IOException {
    if (!indexLock.tryLock()) {
      return; // another writer thread is doing it
    }
    try {
      List<ContentInfo> entries = pending.drainDurable();
      if (!entries.isEmpty()) {
        commit(entries);
      }
    } finally {
      indexLock.unlock();
    }
  }

  /** One index blob of {@code entries}; then they leave the pending entries. Holds indexLock. */
  private void commit(List<ContentInfo> entries) throws IOException {
    indexBlobs.write(entries, session.nextIndexSuffix());
    entries.forEach(pending::remove);
  }

  /**
   * The compressor to write with. Kopia names we cannot run fall back to zstd, which every Kopia
   * client reads, instead of failing the backup; unknown names are an error.
   */
  private static Compressor compressorFor(String name) throws IOException {
    try {
      return Compressors.byName(name);
    } catch (UnsupportedCompressorException e) {
      if (!Compressors.knownNames().contains(name)) {
        throw e;
      }
      if (WARNED.add(name)) {
        LOG.warn(
            "event=compressor_fallback requested={} used=zstd reason=\"{}\"", name, e.getMessage());
      }
      return Compressors.byName("zstd");
    }
  }

  // ---------------------------------------------------------------- delete

  @Override
  public void delete(ContentId id) throws IOException {
    checkWritable();
    flushLock.readLock().lock();
    try {
      packs.locked(
          id,
          () -> {
            ContentInfo p = pending.get(id);
            if (p != null && !p.deleted() && packs.forgetIfOpen(p)) {
              ContentInfo committed = indexBlobs.committed().get(id);
              if (committed == null || committed.deleted()) {
                return null; // it only ever existed in the open pack
              }
            }
            ContentInfo current = lookup(id);
            if (current == null || current.deleted()) {
              return null;
            }
            long now = clock.instant().getEpochSecond();
            // a deletion in the same second as the entry would lose the tie to it
            long ts = Math.max(now, current.timestamp().getEpochSecond() + 1);
            pending.put(
                new ContentInfo(
                    id,
                    current.packBlobId(),
                    current.packOffset(),
                    current.packedLength(),
                    current.originalLength(),
                    current.compressionHeaderId(),
                    true,
                    Instant.ofEpochSecond(ts)));
            return null;
          });
    } finally {
      flushLock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- read

  @Override
  public byte[] read(ContentId id) throws IOException {
    ContentInfo before = info(id);
    try {
      return reader.read(id);
    } catch (ContentCorruptedException e) {
      // Full maintenance may have moved the content to a new pack and, long after, deleted the
      // old one: when its pack is gone, load the newer indexes and read it where it lives now.
      if (!(e.getCause() instanceof ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException)) {
        throw e;
      }
      refresh();
      ContentInfo after = info(id);
      if (after == null || after.equals(before)) {
        throw e;
      }
      LOG.info("event=content_moved content={} pack={}", id, after.packBlobId());
      return reader.read(id);
    }
  }

  // ---------------------------------------------------------------- maintenance

  /**
   * Every winning index entry, deleted ones included (except those under the deletion watermark),
   * in id order, streamed from the committed indexes without collecting them. Entries still pending
   * in this store are not included: flush first.
   */
  public void forEachIndexEntry(Consumer<ContentInfo> each) {
    indexBlobs.committed().forEachMerged(each);
  }

  /** The winning entry of {@code id}, deleted or not, or null (committed and pending). */
  public ContentInfo entry(ContentId id) {
    return lookup(id);
  }

  /**
   * Undeletes a content snapshot GC found reachable (kopia UndeleteContent): a live entry, newer
   * than the deletion, at the same place — the pack is still there, the deleted entry kept it so.
   */
  public void undelete(ContentId id) throws IOException {
    checkWritable();
    flushLock.readLock().lock();
    try {
      ContentInfo current = lookup(id);
      if (current == null || !current.deleted()) {
        return;
      }
      long ts =
          Math.max(clock.instant().getEpochSecond(), current.timestamp().getEpochSecond() + 1);
      pending.put(
          new ContentInfo(
              id,
              current.packBlobId(),
              current.packOffset(),
              current.packedLength(),
              current.originalLength(),
              current.compressionHeaderId(),
              false,
              Instant.ofEpochSecond(ts)));
    } finally {
      flushLock.readLock().unlock();
    }
  }

  /**
   * Copies the live contents {@code entries} of pack {@code packBlobId} into this session's open
   * packs (kopia RewriteContent): one read of the old pack, each content checked against its hash
   * and appended as stored (same ciphertext, the id fixes the IV), with an entry newer than the old
   * one so it wins. The old pack stays until nothing in the index names it any more.
   */
  public long rewritePack(String packBlobId, List<ContentInfo> entries) throws IOException {
    checkWritable();
    byte[] pack = storage.get(packBlobId, 0, -1);
    long bytes = 0;
    for (ContentInfo info : entries) {
      long end = info.packOffset() + info.packedLength();
      if (end > pack.length) {
        throw new ContentCorruptedException(
            "content " + info.id() + " in pack " + packBlobId + ": pack ends before the content",
            null);
      }
      byte[] cipher = java.util.Arrays.copyOfRange(pack, (int) info.packOffset(), (int) end);
      reader.decode(info, cipher); // never copy damage into a new pack
      long ts = Math.max(clock.instant().getEpochSecond(), info.timestamp().getEpochSecond() + 1);
      flushLock.readLock().lock();
      try {
        ContentInfo now = lookup(info.id());
        if (now == null || now.deleted() || !now.packBlobId().equals(packBlobId)) {
          continue; // deleted or already moved meanwhile
        }
        packs.append(
            info.id(),
            cipher,
            (int) info.originalLength(),
            info.compressionHeaderId(),
            Instant.ofEpochSecond(ts));
        bytes += cipher.length;
      } finally {
        flushLock.readLock().unlock();
      }
    }
    return bytes;
  }

  /** The largest pack this repository writes (its format's max pack size). */
  public int maxPackSize() {
    return settings.maxPackSize();
  }

  /** The epoch manager's maintenance operations over this repository's index blobs. */
  public EpochMaintenance epochs() {
    return new EpochMaintenance(indexBlobs);
  }

  /** The deletion watermark this store applies (deleted entries at or before it are absent). */
  public Instant deletionWatermark() {
    return indexBlobs.committed().deletionWatermark();
  }

  @Override
  public List<List<ContentId>> groupForReading(Collection<ContentId> ids) {
    return reader.groupForReading(ids);
  }

  @Override
  public void readGroup(List<ContentId> group, ContentConsumer each) throws IOException {
    reader.readGroup(group, each);
  }

  // ---------------------------------------------------------------- verify

  /** What reading one pack whole found: bytes read and problems, each naming what is damaged. */
  public record PackCheck(long bytes, List<String> problems) {}

  /**
   * Reads pack {@code packBlobId} whole and checks that its local index decrypts and that every
   * content of {@code entries} (index entries pointing into it) decrypts and matches its hash.
   *
   * @throws ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException when the pack is missing
   */
  public PackCheck checkPack(String packBlobId, List<ContentInfo> entries) throws IOException {
    byte[] pack = storage.get(packBlobId, 0, -1);
    List<String> problems = new java.util.ArrayList<>();
    try {
      ca.eazybackup.e3.agent.backup.pack.PackReader.localIndex(packBlobId, pack, encryptor);
    } catch (IOException e) {
      problems.add("pack " + packBlobId + ": its local index is damaged (" + e.getMessage() + ")");
    }
    for (ContentInfo info : entries) {
      long end = info.packOffset() + info.packedLength();
      if (end > pack.length) {
        problems.add(
            "content " + info.id() + " in pack " + packBlobId + ": pack ends before the content");
        continue;
      }
      try {
        reader.decode(info, java.util.Arrays.copyOfRange(pack, (int) info.packOffset(), (int) end));
      } catch (IOException | RuntimeException e) {
        problems.add(e.getMessage());
      }
    }
    return new PackCheck(pack.length, problems);
  }

  /**
   * Index blobs this agent saw before (in its cache) that are gone from the repository with entries
   * no other index holds.
   */
  public List<String> lostIndexBlobs() throws IOException {
    return indexBlobs.lostBlobs();
  }

  // ---------------------------------------------------------------- flush

  @Override
  public void flush() throws IOException {
    flushLock.writeLock().lock();
    try {
      packs.storeAll();
      if (pending.isEmpty()) {
        return;
      }
      indexLock.lock();
      try {
        pending.clearDurable();
        commit(pending.snapshot());
        session.close();
      } finally {
        indexLock.unlock();
      }
    } finally {
      flushLock.writeLock().unlock();
    }
  }

  /** Flushes and stops the upload threads. */
  @Override
  public void close() throws IOException {
    try {
      if (!readOnly) {
        flush();
      }
    } finally {
      packs.shutdown();
    }
  }
}
