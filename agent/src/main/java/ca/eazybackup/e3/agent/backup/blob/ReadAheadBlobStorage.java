package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Fetches whole blobs and listings before they are asked for, so that a caller who knows what it
 * will read next (a repository being opened: its format blob, its blob configuration, the index
 * blobs) overlaps those round trips with its own work (the password's scrypt, a few hundred ms of
 * CPU) instead of waiting for them one after the other.
 *
 * <p>Each read-ahead answers exactly one matching request ({@code get} of the whole blob, or {@code
 * list} of the same prefix) and is then forgotten: later requests go to the store, so nothing stays
 * stale. {@link #stopReadingAhead} drops what was fetched and never asked for; call it once the
 * reads it was meant for are done. A failed read-ahead fails the request it answers with the
 * store's own exception (a missing blob stays a {@link BlobNotFoundException}).
 */
public final class ReadAheadBlobStorage extends ForwardingBlobStorage {
  private final ExecutorService pool;
  private final Map<String, CompletableFuture<byte[]>> blobs = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<List<BlobMetadata>>> listings =
      new ConcurrentHashMap<>();

  /** Reads ahead on up to {@code threads} daemon threads of its own. */
  public ReadAheadBlobStorage(BlobStorage inner, int threads) {
    super(inner);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "blob-read-ahead-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts fetching the whole of {@code blobId}; the next {@code get} of all of it takes it. */
  public CompletableFuture<byte[]> readAhead(String blobId) {
    return blobs.computeIfAbsent(
        blobId,
        id ->
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return inner.get(id, 0, -1);
                  } catch (IOException e) {
                    throw new CompletionException(e);
                  }
                },
                pool));
  }

  /**
   * Starts listing {@code prefix}; the next {@code list} of the same prefix takes it. {@code then}
   * sees the listing before that request does, so the read-aheads it starts (the blobs the caller
   * will get next) are in place by the time the caller asks for them.
   */
  public void readAheadList(String prefix, Consumer<List<BlobMetadata>> then) {
    listings.computeIfAbsent(
        prefix,
        p ->
            CompletableFuture.supplyAsync(
                () -> {
                  List<BlobMetadata> listed = new ArrayList<>();
                  try {
                    inner.list(p, listed::add);
                  } catch (IOException e) {
                    throw new CompletionException(e);
                  }
                  then.accept(listed);
                  return listed;
                },
                pool));
  }

  /** Drops every read-ahead not asked for yet; from now on every request goes to the store. */
  public void stopReadingAhead() {
    blobs.values().forEach(f -> f.cancel(false));
    blobs.clear();
    listings.values().forEach(f -> f.cancel(false));
    listings.clear();
    pool.shutdown();
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    if (offset == 0 && length < 0) {
      CompletableFuture<byte[]> ahead = blobs.remove(blobId);
      if (ahead != null) {
        return await(ahead);
      }
    }
    return inner.get(blobId, offset, length);
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    CompletableFuture<List<BlobMetadata>> ahead = listings.remove(prefix);
    if (ahead == null) {
      inner.list(prefix, each);
      return;
    }
    for (BlobMetadata m : await(ahead)) {
      each.accept(m);
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a read-ahead was arriving");
    } catch (CancellationException e) {
      throw new IOException("read-ahead cancelled", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }

  @Override
  public void close() throws IOException {
    stopReadingAhead();
    inner.close();
  }
}
