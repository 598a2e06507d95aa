package ca.eazybackup.e3.agent.sync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the last run learned about each object, kept in the job's cache folder: key → (size, ETag,
 * the mtime stored in its metadata). rclone reads an object's mtime with one HEAD per object; we
 * trust a cached mtime when the listing still shows the same size and ETag, and HEAD only objects
 * that are new to us or were changed by someone else. The file is sorted by key, so it is read as a
 * stream in step with the merge and written as one, never held whole in memory.
 */
final class StateCache {
  private static final Logger log = LoggerFactory.getLogger(StateCache.class);
  private static final String MAGIC = "e3-sync-state-1";

  record Entry(String key, long size, long mtimeNanos, String etag) {}

  private StateCache() {}

  /** The cache file of one destination (endpoint, bucket, prefix) inside {@code cacheDir}. */
  static Path fileFor(Path cacheDir, String endpoint, String bucket, String prefix) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] id =
          sha.digest((endpoint + "\n" + bucket + "\n" + prefix).getBytes(StandardCharsets.UTF_8));
      return cacheDir.resolve("sync-state-" + HexFormat.of().formatHex(id, 0, 12) + ".bin");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Streams the entries of a cache file in key order; a missing or damaged file reads as empty. */
  static final class Reader implements Closeable {
    private final DataInputStream in;
    private Entry head;
    private boolean done;

    Reader(Path file) {
      DataInputStream opened = null;
      try {
        InputStream raw = Files.newInputStream(file);
        opened = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        if (!MAGIC.equals(opened.readUTF())) {
          log.warn("event=sync_state_ignored file={} reason=unknown_format", file);
          opened.close();
          opened = null;
        }
      } catch (NoSuchFileException e) {
        opened = null;
      } catch (IOException e) {
        log.warn("event=sync_state_ignored file={} reason={}", file, e.toString());
        // A torn or empty file throws in readUTF: close it, or the open handle blocks the atomic
        // replace of this file on Windows for the rest of the run.
        closeQuietly(opened);
        opened = null;
      }
      in = opened;
      done = in == null;
    }

    private static void closeQuietly(Closeable c) {
      if (c == null) {
        return;
      }
      try {
        c.close();
      } catch (IOException e) {
        log.debug("event=sync_state_close_failed reason={}", e.toString());
      }
    }

    /** The entry for {@code key}, skipping entries before it; keys must be asked in key order. */
    Entry find(String key) {
      while (!done) {
        if (head == null) {
          head = read();
          if (head == null) {
            return null;
          }
        }
        int cmp = KeyOrder.INSTANCE.compare(head.key(), key);
        if (cmp == 0) {
          return head;
        }
        if (cmp > 0) {
          return null;
        }
        head = null;
      }
      return null;
    }

    private Entry read() {
      try {
        if (!in.readBoolean()) {
          done = true;
          return null;
        }
        Entry e = new Entry(in.readUTF(), in.readLong(), in.readLong(), in.readUTF());
        if (head != null && KeyOrder.INSTANCE.compare(e.key(), head.key()) <= 0) {
          done = true; // not sorted: stop trusting it, the listing + HEAD still give the answer
          return null;
        }
        return e;
      } catch (EOFException e) {
        done = true;
        return null;
      } catch (IOException e) {
        done = true;
        return null;
      }
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }

  /**
   * Writes the new cache in key order although transfers finish out of order: each file gets a
   * sequence number when the merge reaches it, and an entry is written once every earlier one has
   * been settled (written or dropped). Pending entries are bounded by what is in flight.
   */
  static final class Writer implements Closeable {
    private final Path target;
    private final Path temp;
    private final DataOutputStream out;
    private final TreeMap<Long, Entry> pending = new TreeMap<>();
    private final Map<Long, Boolean> dropped = new TreeMap<>();
    private long nextToWrite;
    private long nextSeq;
    private boolean failed;

    Writer(Path target) throws IOException {
      this.target = target;
      Files.createDirectories(target.getParent());
      // A name of its own: two writers of one destination (two jobs sharing it, or a run whose
      // abandoned engine still writes while the reclaimed run starts over) must not write into, or
      // delete, each other's file; the last to close wins whole.
      this.temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
      this.out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16));
      out.writeUTF(MAGIC);
    }

    /** A sequence number for the next file in key order. */
    synchronized long reserve() {
      return nextSeq++;
    }

    /** Settles {@code seq} with what is now known about its object, or {@code null} for nothing. */
    synchronized void settle(long seq, Entry entry) {
      if (entry == null) {
        dropped.put(seq, Boolean.TRUE);
      } else {
        pending.put(seq, entry);
      }
      while (true) {
        Entry e = pending.remove(nextToWrite);
        if (e != null) {
          write(e);
        } else if (dropped.remove(nextToWrite) == null) {
          break;
        }
        nextToWrite++;
      }
    }

    private void write(Entry e) {
      if (failed) {
        return;
      }
      try {
        out.writeBoolean(true);
        out.writeUTF(e.key());
        out.writeLong(e.size());
        out.writeLong(e.mtimeNanos());
        out.writeUTF(e.etag());
      } catch (IOException ex) {
        failed = true;
        log.warn("event=sync_state_write_failed file={} reason={}", temp, ex.toString());
      }
    }

    /** Drops the new file and keeps the old one (the run never got to compare anything). */
    synchronized void abandon() {
      failed = true;
      try {
        out.close();
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        log.debug("event=sync_state_abandon_failed file={}", temp);
      }
    }

    /** Publishes the file written so far (entries not yet settled are left out). */
    @Override
    public synchronized void close() throws IOException {
      if (failed && !Files.exists(temp)) {
        return;
      }
      try {
        out.writeBoolean(false);
        out.close();
      } catch (IOException e) {
        failed = true;
      }
      if (failed) {
        Files.deleteIfExists(temp);
        return;
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
