package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.index.IndexBuilder;
import ca.eazybackup.e3.agent.backup.pack.PackBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open packs and their uploads: one open pack per kind ({@code p} data, {@code q} metadata),
 * appended to under that pack's lock; a full pack is finished (padding, local index, postamble) and
 * uploaded on a pool of {@code maxInFlight} threads, and a writer blocks while that many are in
 * flight, so memory stays about (2 open + in flight) × maxPackSize. Contents of packs not yet
 * stored are readable from memory. An appended array is kept by its pack (not copied), so the
 * caller hands it over.
 */
final class PackWriterPool {
  private static final Logger LOG = LoggerFactory.getLogger(PackWriterPool.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final BlobStorage storage;
  private final HashFunction hash;
  private final ContentEncryptor encryptor;
  private final int maxPackSize;
  private final int indexVersion;
  private final int formatVersion;
  private final WriteSession session;
  private final PendingEntries pending;

  private final Writer data = new Writer("p");
  private final Writer metadata = new Writer("q");

  /** Packs whose bytes are still only in memory (open or uploading), by blob id. */
  private final ConcurrentHashMap<String, PackBuilder> unwritten = new ConcurrentHashMap<>();

  private final ExecutorService pool;
  private final Semaphore inFlight;
  private final List<Future<?>> uploads = new ArrayList<>();
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  /** One open pack per prefix; its monitor guards the pack and its item list. */
  private static final class Writer {
    final String blobPrefix;
    PackBuilder pack;
    List<ContentInfo> items = new ArrayList<>();

    Writer(String blobPrefix) {
      this.blobPrefix = blobPrefix;
    }
  }

  private record Full(PackBuilder pack, List<ContentInfo> items) {}

  PackWriterPool(
      BlobStorage storage,
      HashFunction hash,
      ContentEncryptor encryptor,
      int maxPackSize,
      int indexVersion,
      int formatVersion,
      int maxInFlight,
      WriteSession session,
      PendingEntries pending) {
    this.storage = storage;
    this.hash = hash;
    this.encryptor = encryptor;
    this.maxPackSize = maxPackSize;
    this.indexVersion = indexVersion;
    this.formatVersion = formatVersion;
    this.session = session;
    this.pending = pending;
    int n = Math.max(1, maxInFlight);
    this.inFlight = new Semaphore(n);
    this.pool =
        Executors.newFixedThreadPool(
            n,
            r -> {
              Thread t = new Thread(r, "kopia-pack-upload");
              t.setDaemon(true);
              return t;
            });
  }

  private Writer writerFor(ContentId id) {
    return id.prefix().isEmpty() ? data : metadata;
  }

  /**
   * Appends {@code encrypted} to the open pack of {@code id}'s kind and records its entry as
   * pending, unless another thread stored the same content meanwhile (then returns null). A pack
   * that became full is handed to the upload pool, blocking while too many are in flight.
   */
  ContentInfo append(
      ContentId id, byte[] encrypted, int originalLength, int compression, Instant timestamp)
      throws IOException {
    Writer w = writerFor(id);
    Full full = null;
    ContentInfo info;
    synchronized (w) {
      ContentInfo existing = pending.get(id);
      if (existing != null && !existing.deleted()) {
        return null;
      }
      if (w.pack == null) {
        start(w);
      }
      int packOffset = w.pack.append(encrypted);
      info =
          new ContentInfo(
              id,
              w.pack.packBlobId(),
              packOffset,
              encrypted.length,
              originalLength,
              compression,
              false,
              timestamp);
      w.items.add(info);
      pending.put(info);
      if (w.pack.length() >= maxPackSize) {
        full = detach(w);
      }
    }
    if (full != null) {
      submit(full);
    }
    return info;
  }

  /**
   * Forgets {@code entry} if it is still in an open pack (Kopia does the same on delete): its bytes
   * stay in the pack but no index will name them.
   */
  boolean forgetIfOpen(ContentInfo entry) {
    Writer w = writerFor(entry.id());
    synchronized (w) {
      if (w.items.remove(entry)) {
        pending.remove(entry);
        return true;
      }
      return false;
    }
  }

  /** Runs {@code action} holding the lock of {@code id}'s pack kind (delete's consistency). */
  <T> T locked(ContentId id, java.util.function.Supplier<T> action) {
    synchronized (writerFor(id)) {
      return action.get();
    }
  }

  boolean isUnwritten(String packBlobId) {
    return unwritten.containsKey(packBlobId);
  }

  /** The bytes of a content whose pack is not stored yet, or null when it is (read storage). */
  byte[] unwrittenSlice(ContentInfo info) {
    PackBuilder p = unwritten.get(info.packBlobId());
    return p == null ? null : p.slice(info.packOffset(), info.packedLength());
  }

  private void start(Writer w) throws IOException {
    String sid = session.id();
    byte[] rnd = new byte[16];
    RANDOM.nextBytes(rnd);
    String packId = w.blobPrefix + HexFormat.of().formatHex(rnd) + "-" + sid;
    w.pack = new PackBuilder(packId);
    unwritten.put(packId, w.pack);
  }

  private static Full detach(Writer w) {
    Full p = new Full(w.pack, w.items);
    w.pack = null;
    w.items = new ArrayList<>();
    return p;
  }

  /**
   * Uploads every open pack, waits for all uploads, and rethrows the first failure since the last
   * call. Callers hold the store's flush lock, so no append interleaves.
   */
  void storeAll() throws IOException {
    for (Writer w : List.of(data, metadata)) {
      Full p;
      synchronized (w) {
        p = w.pack == null ? null : detach(w);
      }
      if (p != null) {
        submit(p);
      }
    }
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
    IOException failed = failure.getAndSet(null);
    if (failed != null) {
      throw failed;
    }
  }

  /** Queues an upload, blocking while too many packs are in flight (bounded memory). */
  private void submit(Full p) throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for pack uploads");
    }
    Future<?> f;
    try {
      f = pool.submit(() -> upload(p));
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    synchronized (uploads) {
      uploads.add(f);
    }
  }

  private void upload(Full p) {
    String packId = p.pack().packBlobId();
    try {
      byte[] localIndex =
          new IndexBuilder().addAll(p.items()).buildWithRandomSuffix(indexVersion, formatVersion);
      byte[] blob = p.pack().finish(localIndex, hash, encryptor);
      storage.put(packId, blob);
      pending.stored(p.items());
      LOG.debug(
          "event=pack_written pack={} bytes={} contents={}", packId, blob.length, p.items().size());
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=pack_upload_failed pack={} error=\"{}\"", packId, e.getMessage());
      // its entries must not reach an index; a later write of the same data stores it again
      p.items().forEach(pending::remove);
      IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
      failure.compareAndSet(
          null, new IOException("uploading pack " + packId + " failed: " + e.getMessage(), io));
    } finally {
      unwritten.remove(packId);
      inFlight.release();
    }
  }

  void shutdown() {
    pool.shutdown();
  }
}
