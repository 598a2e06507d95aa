package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.compression.Compressor;
import ca.eazybackup.e3.agent.backup.compression.Compressors;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.DecryptionException;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.index.IndexBuilder;
import ca.eazybackup.e3.agent.backup.index.PackIndex;
import ca.eazybackup.e3.agent.backup.index.PackIndexes;
import ca.eazybackup.e3.agent.backup.pack.PackBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content layer on Kopia's format (kopia repo/content): contents are hashed, deduplicated
 * against the committed indexes and this session's pending entries, compressed, encrypted and
 * appended to one open pack per kind ({@code p} data, {@code q} metadata). Full packs are uploaded
 * in the background with a bounded number in flight; {@link #flush()} uploads the open packs, waits
 * for every upload, and only then writes the index blob naming them.
 *
 * <p>Hashing, compression and encryption run on the caller's thread without any lock; the locks
 * cover only the dedup check and the append.
 */
public final class KopiaContentStore implements ContentStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KopiaContentStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

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
  private final NamedBlobs namedBlobs;
  private final Clock clock;

  private final CommittedIndex committed = new CommittedIndex();

  /** Entries written or deleted in this session and not yet in a committed index. */
  private final ConcurrentHashMap<ContentId, ContentInfo> pending = new ConcurrentHashMap<>();

  /** Packs whose bytes are still only in memory (open or uploading), by blob id. */
  private final ConcurrentHashMap<String, PackBuilder> unwrittenPacks = new ConcurrentHashMap<>();

  private final ReentrantReadWriteLock flushLock = new ReentrantReadWriteLock();
  private final PackWriter dataWriter = new PackWriter("p");
  private final PackWriter metadataWriter = new PackWriter("q");
  private final ExecutorService uploader;
  private final Semaphore inFlight;
  private final List<Future<?>> uploads = new ArrayList<>();
  private final AtomicReference<IOException> uploadFailure = new AtomicReference<>();

  /**
   * Pending entries whose packs are already stored. Above {@link #durableIndexThreshold} they go to
   * an index blob of their own during the run, so a million new contents never sit in {@link
   * #pending} as objects (the committed index keeps them as compact sorted bytes).
   */
  private final java.util.concurrent.ConcurrentLinkedQueue<ContentInfo> durable =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final java.util.concurrent.atomic.AtomicInteger durableCount =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.locks.ReentrantLock indexLock =
      new java.util.concurrent.locks.ReentrantLock();
  private int indexCounter;
  private volatile int durableIndexThreshold =
      Integer.getInteger("e3.kopia.durableIndexEntries", 100_000);

  private volatile String sessionId;
  private volatile String sessionMarkerBlobId;
  private volatile int writeEpoch;
  private final boolean readOnly;

  /** One open pack per prefix; its monitor guards the pack and its item list. */
  private static final class PackWriter {
    final String blobPrefix;
    PackBuilder pack;
    List<ContentInfo> items = new ArrayList<>();

    PackWriter(String blobPrefix) {
      this.blobPrefix = blobPrefix;
    }
  }

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
    this.namedBlobs = new NamedBlobs(hash, encryptor);
    this.metadataCache =
        settings.cacheDir() == null
            ? null
            : new MetadataCache(
                settings.cacheDir().resolve("metadata"), MetadataCache.configuredMaxBytes());
    int n = Math.max(1, settings.maxInFlightPacks());
    this.inFlight = new Semaphore(n);
    this.uploader =
        Executors.newFixedThreadPool(
            n,
            r -> {
              Thread t = new Thread(r, "kopia-pack-upload");
              t.setDaemon(true);
              return t;
            });
    this.readOnly = !settings.epochIndexes() || settings.formatVersion() < 2;
  }

  /** Opens the store and loads the committed indexes. */
  public static KopiaContentStore open(
      BlobStorage storage, HashFunction hash, ContentEncryptor encryptor, Settings settings)
      throws IOException {
    return open(storage, hash, encryptor, settings, Clock.systemUTC());
  }

  static KopiaContentStore open(
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

  // ---------------------------------------------------------------- index loading

  /** Loads index blobs written since the last refresh (by this or any other writer). */
  public void refresh() throws IOException {
    List<BlobMetadata> active;
    if (settings.epochIndexes()) {
      List<BlobMetadata> x = new ArrayList<>();
      storage.list("x", x::add);
      EpochIndexSet.Result r = EpochIndexSet.compute(x);
      active = r.indexBlobs();
      writeEpoch = r.writeEpoch();
      committed.deletionWatermark(r.deletionWatermark());
    } else {
      active = legacyIndexSet();
    }
    List<BlobMetadata> missing = active.stream().filter(m -> !committed.has(m.blobId())).toList();
    if (missing.size() <= 1) {
      for (BlobMetadata m : missing) {
        committed.add(m.blobId(), loadIndex(m.blobId()));
      }
    } else {
      // index blobs are small and many: fetch them in parallel, add them in listing order
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, missing.size()));
      try {
        List<Future<PackIndex>> loads = new ArrayList<>();
        for (BlobMetadata m : missing) {
          loads.add(pool.submit(() -> loadIndex(m.blobId())));
        }
        for (int i = 0; i < missing.size(); i++) {
          committed.add(missing.get(i).blobId(), loads.get(i).get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted loading indexes");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    LOG.debug("event=indexes_loaded count={} writeEpoch={}", committed.indexCount(), writeEpoch);
  }

  private PackIndex loadIndex(String blobId) throws IOException {
    return PackIndexes.open(namedBlobs.decrypt(blobId, readIndexBlob(blobId)));
  }

  /** Format v1 (kopia repo/content/index_blob_manager_v0.go): all n blobs minus superseded ones. */
  private List<BlobMetadata> legacyIndexSet() throws IOException {
    Map<String, BlobMetadata> n = new HashMap<>();
    storage.list("n", m -> n.put(m.blobId(), m));
    List<BlobMetadata> logs = new ArrayList<>();
    storage.list("m", logs::add);
    for (BlobMetadata log : logs) {
      byte[] plain = namedBlobs.decrypt(log.blobId(), storage.get(log.blobId(), 0, -1));
      com.fasterxml.jackson.databind.JsonNode j =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(plain);
      boolean outputsExist = true;
      for (com.fasterxml.jackson.databind.JsonNode o : j.path("outputMetadata")) {
        outputsExist &= n.containsKey(o.path("id").asText());
      }
      if (outputsExist) {
        for (com.fasterxml.jackson.databind.JsonNode i : j.path("inputMetadata")) {
          n.remove(i.path("id").asText());
        }
      }
    }
    return new ArrayList<>(n.values());
  }

  private byte[] readIndexBlob(String blobId) throws IOException {
    Path cached =
        settings.cacheDir() == null ? null : settings.cacheDir().resolve("indexes").resolve(blobId);
    if (cached != null && Files.isRegularFile(cached)) {
      return Files.readAllBytes(cached);
    }
    byte[] body = storage.get(blobId, 0, -1);
    if (cached != null) {
      writeCache(cached, body);
    }
    return body;
  }

  private static void writeCache(Path target, byte[] body) {
    try {
      CacheFiles.writeAtomically(target, body);
    } catch (IOException e) {
      LOG.warn("event=index_cache_write_failed path={} error=\"{}\"", target, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- metadata cache

  /**
   * Metadata contents (directories, manifests, indirect lists: every prefixed content) are kept on
   * disk as stored (encrypted), as Kopia's metadata cache does, so an incremental backup reads the
   * previous snapshot's directories without one ranged GET each; bounded by bytes (see {@link
   * MetadataCache}). A cached copy is still decrypted and hash-checked on every read.
   */
  private final MetadataCache metadataCache;

  private byte[] cachedMetadata(ContentId id) {
    return metadataCache == null ? null : metadataCache.get(id);
  }

  private void cacheMetadata(ContentId id, byte[] cipher) {
    if (metadataCache != null) {
      metadataCache.put(id, cipher);
    }
  }

  private void dropCachedMetadata(ContentId id) {
    if (metadataCache != null) {
      metadataCache.drop(id);
    }
  }

  // ---------------------------------------------------------------- lookups

  private ContentInfo lookup(ContentId id) {
    ContentInfo p = pending.get(id);
    return p != null ? p : committed.get(id);
  }

  @Override
  public boolean exists(ContentId id) {
    ContentInfo i = lookup(id);
    return i != null && !i.deleted();
  }

  /** The live index entry of {@code id}, or null. */
  public ContentInfo info(ContentId id) {
    ContentInfo i = lookup(id);
    return i == null || i.deleted() ? null : i;
  }

  @Override
  public void list(String prefix, Consumer<ContentInfo> each) {
    Map<ContentId, ContentInfo> seen = new HashMap<>();
    committed.forEach(prefix, c -> seen.put(c.id(), c));
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

  @Override
  public ContentId write(byte[] data, int offset, int length, String prefix, String compressor)
      throws IOException {
    checkPrefix(prefix);
    ContentId id = ContentId.of(prefix, hash.hash(data, offset, length));
    if (exists(id)) {
      return id;
    }
    if (readOnly) {
      throw new IOException(
          "this repository (format version "
              + settings.formatVersion()
              + ", legacy indexes) is read-only for this agent");
    }
    Compressor.Compressed payload = null;
    int compression = Compressors.NONE_ID;
    Compressor c = settings.indexVersion() >= 2 ? compressorFor(compressor) : null;
    if (c != null) {
      Compressor.Compressed z = c.compressUntrimmed(data, offset, length);
      if (z.length() < length) {
        payload = z;
        compression = c.headerId();
      }
    }
    byte[] encrypted =
        payload != null
            ? encryptor.encrypt(payload.buffer(), 0, payload.length(), ivOf(id))
            : encryptor.encrypt(data, offset, length, ivOf(id));
    PackWriter w = prefix == null || prefix.isEmpty() ? dataWriter : metadataWriter;
    PackToUpload full = null;
    flushLock.readLock().lock();
    try {
      synchronized (w) {
        ContentInfo existing = pending.get(id);
        if (existing != null && !existing.deleted()) {
          return id; // another thread stored it meanwhile
        }
        if (w.pack == null) {
          startPack(w);
        }
        int packOffset = w.pack.append(encrypted);
        ContentInfo info =
            new ContentInfo(
                id,
                w.pack.packBlobId(),
                packOffset,
                encrypted.length,
                length,
                compression,
                false,
                Instant.ofEpochSecond(clock.instant().getEpochSecond()));
        w.items.add(info);
        pending.put(id, info);
        if (!id.prefix().isEmpty()) {
          cacheMetadata(id, encrypted);
        }
        if (w.pack.length() >= settings.maxPackSize()) {
          full = detach(w);
        }
      }
      if (full != null) {
        submit(full);
      }
    } finally {
      flushLock.readLock().unlock();
    }
    if (durableCount.get() >= durableIndexThreshold) {
      writeDurableIndex();
    }
    return id;
  }

  /** For tests: how many durable pending entries trigger an index blob during the run. */
  void durableIndexThreshold(int entries) {
    durableIndexThreshold = entries;
  }

  /**
   * Writes an index blob for entries whose packs are stored (crash-safe: it names only durable
   * packs) and moves them from {@link #pending} to the committed index. The session stays open.
   */
  private void writeDurableIndex() throws IOException {
    if (!indexLock.tryLock()) {
      return; // another writer thread is doing it
    }
    try {
      List<ContentInfo> entries = new ArrayList<>();
      for (ContentInfo i; (i = durable.poll()) != null; ) {
        durableCount.decrementAndGet();
        if (pending.get(i.id()) == i) {
          entries.add(i);
        }
      }
      if (!entries.isEmpty()) {
        writeIndexBlob(entries);
      }
    } finally {
      indexLock.unlock();
    }
  }

  private static final java.util.Set<String> WARNED = ConcurrentHashMap.newKeySet();

  /**
   * The compressor to write with. Kopia names we cannot run (s2, lz4) fall back to zstd, which
   * every Kopia client reads, instead of failing the backup; unknown names are an error.
   */
  private static Compressor compressorFor(String name) throws IOException {
    try {
      return Compressors.byName(name);
    } catch (ca.eazybackup.e3.agent.backup.compression.UnsupportedCompressorException e) {
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

  static byte[] ivOf(ContentId id) {
    String v = id.value();
    return HexFormat.of().parseHex(v, v.length() - 32, v.length());
  }

  private void startPack(PackWriter w) throws IOException {
    if (sessionId == null) {
      synchronized (this) {
        if (sessionId == null) {
          String sid = SessionIds.next(clock.instant());
          writeSessionMarker(sid);
          sessionId = sid;
        }
      }
    }
    byte[] rnd = new byte[16];
    RANDOM.nextBytes(rnd);
    String packId = w.blobPrefix + HexFormat.of().formatHex(rnd) + "-" + sessionId;
    int initial = w.blobPrefix.equals("p") ? settings.maxPackSize() + 64 * 1024 : 256 * 1024;
    w.pack = new PackBuilder(packId, initial);
    unwrittenPacks.put(packId, w.pack);
  }

  private void writeSessionMarker(String sid) throws IOException {
    String now =
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            clock.instant().atOffset(java.time.ZoneOffset.UTC));
    String json =
        "{\"id\":\""
            + sid
            + "\",\"startTime\":\""
            + now
            + "\",\"checkpointTime\":\""
            + now
            + "\",\"username\":\""
            + jsonEscape(System.getProperty("user.name", "e3"))
            + "\",\"hostname\":\""
            + jsonEscape(hostname())
            + "\"}";
    NamedBlobs.Encrypted e = namedBlobs.encrypt("s", json.getBytes(StandardCharsets.UTF_8), sid);
    storage.put(e.blobId(), e.body());
    sessionMarkerBlobId = e.blobId();
  }

  /** Looked up once: InetAddress.getLocalHost can take seconds when DNS is slow. */
  private static final class Host {
    static final String NAME = lookup();

    private static String lookup() {
      for (String env : List.of("COMPUTERNAME", "HOSTNAME")) {
        String v = System.getenv(env);
        if (v != null && !v.isBlank()) {
          return v;
        }
      }
      try {
        Path etc = Path.of("/etc/hostname");
        if (Files.isReadable(etc)) {
          return Files.readString(etc).trim();
        }
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "unknown";
      }
    }
  }

  private static String hostname() {
    return Host.NAME;
  }

  private static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private record PackToUpload(PackBuilder pack, List<ContentInfo> items) {}

  private PackToUpload detach(PackWriter w) {
    PackToUpload p = new PackToUpload(w.pack, w.items);
    w.pack = null;
    w.items = new ArrayList<>();
    return p;
  }

  /** Queues an upload, blocking while too many packs are in flight (bounded memory). */
  private void submit(PackToUpload p) throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for pack uploads");
    }
    Future<?> f;
    try {
      f = uploader.submit(() -> upload(p));
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    synchronized (uploads) {
      uploads.add(f);
    }
  }

  private void upload(PackToUpload p) {
    String packId = p.pack().packBlobId();
    try {
      byte[] localIndex =
          new IndexBuilder()
              .addAll(p.items())
              .buildWithRandomSuffix(settings.indexVersion(), settings.formatVersion());
      byte[] blob = p.pack().finish(localIndex, hash, encryptor);
      storage.put(packId, blob);
      durable.addAll(p.items());
      durableCount.addAndGet(p.items().size());
      LOG.debug(
          "event=pack_written pack={} bytes={} contents={}", packId, blob.length, p.items().size());
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=pack_upload_failed pack={} error=\"{}\"", packId, e.getMessage());
      // its entries must not reach an index; a later write of the same data stores it again
      p.items().forEach(i -> pending.remove(i.id(), i));
      IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
      uploadFailure.compareAndSet(
          null, new IOException("uploading pack " + packId + " failed: " + e.getMessage(), io));
    } finally {
      unwrittenPacks.remove(packId);
      inFlight.release();
    }
  }

  // ---------------------------------------------------------------- delete

  @Override
  public void delete(ContentId id) throws IOException {
    if (readOnly) {
      throw new IOException("this repository is read-only for this agent");
    }
    flushLock.readLock().lock();
    try {
      PackWriter w = id.prefix().isEmpty() ? dataWriter : metadataWriter;
      synchronized (w) {
        ContentInfo p = pending.get(id);
        if (p != null && !p.deleted() && w.items.remove(p)) {
          // still in the open pack: forget it (Kopia does the same)
          pending.remove(id, p);
          if (committed.get(id) == null || committed.get(id).deleted()) {
            return;
          }
        }
        ContentInfo current = lookup(id);
        if (current == null || current.deleted()) {
          return;
        }
        long now = clock.instant().getEpochSecond();
        // a deletion in the same second as the entry would lose the tie to it
        long ts = Math.max(now, current.timestamp().getEpochSecond() + 1);
        pending.put(
            id,
            new ContentInfo(
                id,
                current.packBlobId(),
                current.packOffset(),
                current.packedLength(),
                current.originalLength(),
                current.compressionHeaderId(),
                true,
                Instant.ofEpochSecond(ts)));
      }
    } finally {
      flushLock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- read

  @Override
  public byte[] read(ContentId id) throws IOException {
    ContentInfo info = lookup(id);
    if (info == null || info.deleted()) {
      throw new ContentNotFoundException(id);
    }
    byte[] cipher;
    PackBuilder inMemory = unwrittenPacks.get(info.packBlobId());
    byte[] cached = id.prefix().isEmpty() ? null : cachedMetadata(id);
    if (cached != null) {
      try {
        return decode(id, info, cached);
      } catch (ContentCorruptedException stale) {
        LOG.debug("event=metadata_cache_stale content={}", id);
        dropCachedMetadata(id);
      }
    }
    if (inMemory != null) {
      cipher = inMemory.slice(info.packOffset(), info.packedLength());
    } else {
      try {
        cipher = storage.get(info.packBlobId(), info.packOffset(), info.packedLength());
      } catch (BlobNotFoundException e) {
        throw new ContentCorruptedException(
            "content " + id + " is in pack " + info.packBlobId() + ", which is missing", e);
      }
    }
    byte[] plain = decode(id, info, cipher);
    if (!id.prefix().isEmpty()) {
      cacheMetadata(id, cipher);
    }
    return plain;
  }

  /** Largest gap of unneeded bytes worth downloading to save a request. */
  private static final long READ_GAP = 512 << 10;

  /** Largest span one grouped read downloads (bounds memory per reader thread). */
  private static final long READ_SPAN = 8 << 20;

  /**
   * Groups contents by pack and, within a pack, into runs close enough to fetch with one ranged GET
   * (gaps up to 512 KiB, spans up to 8 MiB). Contents still in memory or not found are alone. Each
   * group carries the index entries found here, so {@link #readGroup} does not look them up again.
   */
  @Override
  public List<List<ContentId>> groupForReading(java.util.Collection<ContentId> ids) {
    List<List<ContentId>> groups = new ArrayList<>();
    Map<String, List<ContentInfo>> byPack = new HashMap<>();
    for (ContentId id : ids) {
      ContentInfo info = info(id);
      if (info == null || unwrittenPacks.containsKey(info.packBlobId())) {
        groups.add(List.of(id));
      } else {
        byPack.computeIfAbsent(info.packBlobId(), k -> new ArrayList<>()).add(info);
      }
    }
    for (List<ContentInfo> inPack : byPack.values()) {
      inPack.sort(java.util.Comparator.comparingLong(ContentInfo::packOffset));
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
  private static final class InfoGroup extends java.util.AbstractList<ContentId> {
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
  @Override
  public void readGroup(List<ContentId> group, ContentConsumer each) throws IOException {
    List<ContentInfo> infos;
    if (group instanceof InfoGroup g) {
      infos = g.infos;
    } else {
      infos = new ArrayList<>(group.size());
      for (ContentId id : group) {
        infos.add(info(id));
      }
    }
    String pack = null;
    long start = Long.MAX_VALUE;
    long end = 0;
    for (ContentInfo info : infos) {
      if (info == null
          || unwrittenPacks.containsKey(info.packBlobId())
          || (pack != null && !pack.equals(info.packBlobId()))) {
        ContentStore.super.readGroup(group, each); // not one stored pack: read one by one
        return;
      }
      pack = info.packBlobId();
      start = Math.min(start, info.packOffset());
      end = Math.max(end, info.packOffset() + info.packedLength());
    }
    if (pack == null) {
      return;
    }
    byte[] range;
    try {
      range = storage.get(pack, start, end - start);
    } catch (BlobNotFoundException e) {
      throw new ContentCorruptedException(
          "content " + group.get(0) + " is in pack " + pack + ", which is missing", e);
    }
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

  /** Buffers kept per reading thread up to this size (a chunk is at most 8 MiB by default). */
  private static final int MAX_KEPT_BUFFER = 9 << 20;

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

  private final ThreadLocal<DecodeBuffers> decodeBuffers =
      ThreadLocal.withInitial(DecodeBuffers::new);

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
      throw new ContentCorruptedException(
          "content " + id + " in pack " + info.packBlobId() + " is corrupted: " + e.getMessage(),
          e);
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
      throw new ContentCorruptedException(
          "content " + id + " in pack " + info.packBlobId() + " does not match its hash");
    }
    each.accept(id, out, 0, length);
  }

  private byte[] decode(ContentId id, ContentInfo info, byte[] cipher) throws IOException {
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
    return decodeAt(id, info, cipher, 0);
  }

  /** Decrypts, decompresses and verifies {@code id} whose ciphertext starts at {@code off}. */
  private byte[] decodeAt(ContentId id, ContentInfo info, byte[] buf, int off) throws IOException {
    byte[] plain;
    try {
      plain = encryptor.decrypt(buf, off, (int) info.packedLength(), ivOf(id));
    } catch (DecryptionException e) {
      throw new ContentCorruptedException(
          "content " + id + " in pack " + info.packBlobId() + " is corrupted: " + e.getMessage(),
          e);
    }
    if (info.compressionHeaderId() != Compressors.NONE_ID) {
      plain =
          Compressors.byHeaderId(info.compressionHeaderId())
              .decompress(plain, 0, plain.length, originalLengthOf(info));
    }
    if (!MessageDigest.isEqual(hash.hash(plain), id.hash())) {
      throw new ContentCorruptedException(
          "content " + id + " in pack " + info.packBlobId() + " does not match its hash");
    }
    return plain;
  }

  /** The index's decompressed length, or -1 (unknown) when it cannot be an array size. */
  private static int originalLengthOf(ContentInfo info) {
    long n = info.originalLength();
    return n >= 0 && n <= Integer.MAX_VALUE - 16 ? (int) n : -1;
  }

  // ---------------------------------------------------------------- flush

  @Override
  public void flush() throws IOException {
    flushLock.writeLock().lock();
    try {
      for (PackWriter w : List.of(dataWriter, metadataWriter)) {
        PackToUpload p;
        synchronized (w) {
          p = w.pack == null ? null : detach(w);
        }
        if (p != null) {
          submit(p);
        }
      }
      awaitUploads();
      IOException failure = uploadFailure.getAndSet(null);
      if (failure != null) {
        throw failure;
      }
      if (pending.isEmpty()) {
        return;
      }
      writeIndex();
    } finally {
      flushLock.writeLock().unlock();
    }
  }

  private void awaitUploads() throws IOException {
    List<Future<?>> all;
    synchronized (uploads) {
      all = new ArrayList<>(uploads);
      uploads.clear();
    }
    for (Future<?> f : all) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for pack uploads");
      } catch (ExecutionException e) {
        throw new IOException("pack upload failed", e.getCause());
      }
    }
  }

  /** Writes the pending entries as one index blob; every pack it names is already stored. */
  private void writeIndex() throws IOException {
    indexLock.lock();
    try {
      durable.clear();
      durableCount.set(0);
      writeIndexBlob(new ArrayList<>(pending.values()));
      LOG.debug("event=session_closed session={}", sessionId);
      String marker = sessionMarkerBlobId;
      sessionId = null;
      sessionMarkerBlobId = null;
      indexCounter = 0;
      if (marker != null) {
        try {
          storage.delete(marker);
        } catch (IOException ex) {
          LOG.warn(
              "event=session_marker_delete_failed blob={} error=\"{}\"", marker, ex.getMessage());
        }
      }
    } finally {
      indexLock.unlock();
    }
  }

  /** One index blob of {@code entries}; then they leave {@link #pending}. Holds indexLock. */
  private void writeIndexBlob(List<ContentInfo> entries) throws IOException {
    byte[] plain =
        new IndexBuilder().addAll(entries).build(settings.indexVersion(), settings.formatVersion());
    String sid = sessionId != null ? sessionId : SessionIds.next(clock.instant());
    // follow epoch advances made by other clients since we opened
    List<BlobMetadata> markers = new ArrayList<>();
    storage.list("xe", markers::add);
    int epoch = writeEpoch;
    for (BlobMetadata m : markers) {
      try {
        epoch = Math.max(epoch, Integer.parseInt(m.blobId().substring(2)));
      } catch (NumberFormatException ignored) {
        // not an epoch marker
      }
    }
    writeEpoch = epoch;
    NamedBlobs.Encrypted e = namedBlobs.encrypt("", plain, sid + "-c" + (++indexCounter));
    String blobId = "xn" + epoch + "_" + e.blobId();
    storage.put(blobId, e.body());
    PackIndex idx = PackIndexes.open(plain);
    committed.add(blobId, idx);
    if (settings.cacheDir() != null) {
      writeCache(settings.cacheDir().resolve("indexes").resolve(blobId), e.body());
    }
    entries.forEach(i -> pending.remove(i.id(), i));
    LOG.info("event=index_written blob={} entries={}", blobId, entries.size());
  }

  /** Flushes and stops the upload threads. */
  @Override
  public void close() throws IOException {
    try {
      if (!readOnly) {
        flush();
      }
    } finally {
      uploader.shutdown();
    }
  }
}
