package ca.eazybackup.e3.agent.nas.vfs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write cache's record of pending uploads: one append-only file, {@code pending.journal}, in
 * the cache folder. A small PUT's bytes travel inside its record, so a PUT costs one fsync of this
 * file (shared by the PUTs that arrive while it runs: group commit) instead of the three of a data
 * file, a metadata file and its folder. A larger PUT keeps its own fsync'd data file and its record
 * only names it.
 *
 * <p>Records are {@code [json length][data length][crc32c of both][json][data]}; a record torn by a
 * crash fails its CRC and ends the replay there (it was never acknowledged: the fsync that
 * acknowledges it had not returned). Kinds: {@code put} (a pending write: its metadata, and its
 * bytes when inline), {@code amend} (new mtime or base of the same generation), {@code done} (that
 * generation reached S3) and {@code drop} (the path was deleted or moved away). Replay keeps, per
 * path, the last {@code put} that no later record ended. When no write is pending any more, or most
 * of a large file is dead, the file is rewritten with the live records only (temp file, fsync,
 * rename, folder fsync), so it stays about as large as what waits for upload.
 *
 * <p>Thread-safe: appends are serialized on the journal; {@link #sync} lets one caller fsync for
 * every record appended before it started.
 */
final class PendingJournal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PendingJournal.class);
  static final String FILE = "pending.journal";

  /** Bodies up to this size go inline in their record. */
  static final int INLINE_MAX = 1 << 20;

  private static final int HEADER = 12;
  private static final int MAX_JSON = 1 << 20;
  private static final long COMPACT_EMPTY_ABOVE = 1L << 20;
  private static final long COMPACT_DEAD_ABOVE = 64L << 20;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * A live pending write. {@code dataOffset} is where its inline bytes start in the file, or -1
   * when they are in the item's own data file.
   */
  record Entry(WriteCache.Meta meta, long dataOffset, int recordBytes) {
    boolean inline() {
      return dataOffset >= 0;
    }
  }

  private final Path dir;
  private final Path file;
  private final Map<String, Entry> live = new HashMap<>();
  private final Object syncLock = new Object();
  private long liveBytes;
  private long maxGeneration;
  private int tornRecords;
  private volatile FileChannel channel;

  /** Records appended, and records known durable; a sequence, since compaction moves offsets. */
  private volatile long appended;

  private long synced;

  private PendingJournal(Path dir) {
    this.dir = dir;
    this.file = dir.resolve(FILE);
  }

  /** Opens (creating when missing) the journal in {@code dir} and replays it. */
  static PendingJournal open(Path dir) throws IOException {
    Files.createDirectories(dir);
    PendingJournal j = new PendingJournal(dir);
    boolean created = !Files.exists(j.file);
    j.replay();
    if (created) {
      WriteCache.fsyncFolder(dir); // the journal's own name must survive a power cut
    }
    return j;
  }

  /** The pending writes found at open (and since), by path. */
  synchronized Map<String, Entry> live() {
    return Map.copyOf(live);
  }

  /** The highest generation any record named: new generations start above it. */
  synchronized long maxGeneration() {
    return maxGeneration;
  }

  int tornRecords() {
    return tornRecords;
  }

  synchronized long sizeBytes() throws IOException {
    return channel.size();
  }

  /**
   * Appends a pending write; {@code data} holds its bytes (inline), or is null when its data file
   * is already durable. Returns the ticket to {@link #sync} on.
   */
  synchronized long put(WriteCache.Meta meta, byte[] data) throws IOException {
    ObjectNode rec = JSON.createObjectNode();
    rec.put("op", "put");
    rec.put("inline", data != null);
    rec.set("meta", JSON.valueToTree(meta));
    long start = channel.position();
    int size = append(rec, data);
    Entry old =
        live.put(
            meta.path(), new Entry(meta, data == null ? -1 : start + size - data.length, size));
    liveBytes += size - (old == null ? 0 : old.recordBytes());
    maxGeneration = Math.max(maxGeneration, meta.generation());
    return appended;
  }

  /** A new mtime or upload base for the pending generation {@code gen} of {@code path}. */
  synchronized long amend(String path, long gen, long mtimeMillis, String base) throws IOException {
    Entry e = live.get(path);
    if (e == null || e.meta().generation() != gen) {
      return appended;
    }
    ObjectNode rec = JSON.createObjectNode();
    rec.put("op", "amend");
    rec.put("path", path);
    rec.put("gen", gen);
    rec.put("mtime", mtimeMillis);
    rec.put("base", base);
    int size = append(rec, null);
    live.put(
        path, new Entry(amended(e.meta(), mtimeMillis, base), e.dataOffset(), e.recordBytes()));
    liveBytes += size;
    return appended;
  }

  /**
   * Generation {@code gen} of {@code path} is in S3. Not worth an fsync: lost in a power cut, it
   * only means that version is uploaded once more.
   */
  synchronized void done(String path, long gen) throws IOException {
    Entry e = live.get(path);
    if (e == null || e.meta().generation() != gen) {
      return;
    }
    ObjectNode rec = JSON.createObjectNode();
    rec.put("op", "done");
    rec.put("path", path);
    rec.put("gen", gen);
    append(rec, null);
    live.remove(path);
    liveBytes -= e.recordBytes();
    maybeCompact();
  }

  /** {@code path} is deleted or moved away: nothing of it is to be uploaded. Returns a ticket. */
  synchronized long drop(String path) throws IOException {
    Entry e = live.remove(path);
    if (e == null) {
      return appended;
    }
    ObjectNode rec = JSON.createObjectNode();
    rec.put("op", "drop");
    rec.put("path", path);
    append(rec, null);
    liveBytes -= e.recordBytes();
    long ticket = appended;
    maybeCompact();
    return ticket;
  }

  /** The inline bytes of a live entry. */
  synchronized byte[] inlineData(Entry e) throws IOException {
    return read(channel, e);
  }

  private byte[] read(FileChannel from, Entry e) throws IOException {
    byte[] b = new byte[(int) e.meta().size()];
    ByteBuffer bb = ByteBuffer.wrap(b);
    long at = e.dataOffset();
    while (bb.hasRemaining()) {
      int n = from.read(bb, at);
      if (n < 0) {
        throw new IOException("the NAS journal " + file + " ends inside a record");
      }
      at += n;
    }
    return b;
  }

  /**
   * Returns once every record appended before {@code ticket} is on disk. Callers that arrive while
   * another's fsync runs wait for it, and then usually find their record covered by it.
   */
  void sync(long ticket) throws IOException {
    synchronized (syncLock) {
      if (synced >= ticket) {
        return;
      }
      long upTo = appended; // everything written so far goes with this fsync
      channel.force(false);
      synced = Math.max(synced, upTo);
    }
  }

  private int append(ObjectNode rec, byte[] data) throws IOException {
    int size = writeRecord(channel, rec, data);
    appended++;
    return size;
  }

  private static int writeRecord(FileChannel out, ObjectNode rec, byte[] data) throws IOException {
    byte[] json = JSON.writeValueAsBytes(rec);
    int dataLength = data == null ? 0 : data.length;
    CRC32C crc = new CRC32C();
    crc.update(json);
    if (data != null) {
      crc.update(data);
    }
    ByteBuffer head = ByteBuffer.allocate(HEADER);
    head.putInt(json.length).putInt(dataLength).putInt((int) crc.getValue()).flip();
    ByteBuffer[] parts =
        data == null
            ? new ByteBuffer[] {head, ByteBuffer.wrap(json)}
            : new ByteBuffer[] {head, ByteBuffer.wrap(json), ByteBuffer.wrap(data)};
    long total = HEADER + json.length + (long) dataLength;
    long n = 0;
    while (n < total) {
      n += out.write(parts);
    }
    return (int) total;
  }

  private void replay() throws IOException {
    long goodEnd = 0;
    if (Files.exists(file)) {
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        long size = in.size();
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        while (true) {
          head.clear();
          if (readFully(in, head, goodEnd) < HEADER) {
            break;
          }
          head.flip();
          int jsonLength = head.getInt();
          int dataLength = head.getInt();
          int crc = head.getInt();
          long total = HEADER + (long) jsonLength + dataLength;
          if (jsonLength <= 0
              || jsonLength > MAX_JSON
              || dataLength < 0
              || dataLength > INLINE_MAX
              || goodEnd + total > size) {
            break;
          }
          ByteBuffer body = ByteBuffer.allocate(jsonLength + dataLength);
          if (readFully(in, body, goodEnd + HEADER) < body.capacity()) {
            break;
          }
          CRC32C c = new CRC32C();
          c.update(body.array());
          if ((int) c.getValue() != crc) {
            break;
          }
          JsonNode rec;
          try {
            rec = JSON.readTree(body.array(), 0, jsonLength);
          } catch (IOException e) {
            break;
          }
          apply(rec, goodEnd + HEADER + jsonLength, dataLength, (int) total);
          goodEnd += total;
        }
        if (goodEnd < size) {
          tornRecords++;
          log.warn(
              "nas.journal_torn_record file={} offset={} dropped_bytes={}: the process stopped"
                  + " while writing a record no client was answered for; everything before it is"
                  + " kept",
              file,
              goodEnd,
              size - goodEnd);
        }
      }
    }
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    if (channel.size() > goodEnd) {
      channel.truncate(goodEnd);
      channel.force(true);
    }
    channel.position(goodEnd);
  }

  private void apply(JsonNode rec, long dataOffset, int dataLength, int size) throws IOException {
    String op = rec.path("op").asText("");
    String path = rec.path("path").asText(null);
    switch (op) {
      case "put" -> {
        WriteCache.Meta m = JSON.treeToValue(rec.get("meta"), WriteCache.Meta.class);
        boolean inline = rec.path("inline").asBoolean(false);
        if (inline && m.size() != dataLength) {
          throw new IOException("a NAS journal record's size does not match its data");
        }
        Entry old = live.put(m.path(), new Entry(m, inline ? dataOffset : -1, size));
        liveBytes += size - (old == null ? 0 : old.recordBytes());
        maxGeneration = Math.max(maxGeneration, m.generation());
      }
      case "amend" -> {
        Entry e = live.get(path);
        if (e != null && e.meta().generation() == rec.path("gen").asLong()) {
          WriteCache.Meta m =
              amended(e.meta(), rec.path("mtime").asLong(), rec.path("base").asText(null));
          live.put(path, new Entry(m, e.dataOffset(), e.recordBytes()));
          liveBytes += size;
        }
      }
      case "done" -> {
        Entry e = live.get(path);
        if (e != null && e.meta().generation() == rec.path("gen").asLong()) {
          live.remove(path);
          liveBytes -= e.recordBytes();
        }
      }
      case "drop" -> {
        Entry e = live.remove(path);
        if (e != null) {
          liveBytes -= e.recordBytes();
        }
      }
      default -> log.warn("nas.journal_unknown_record op={}", op);
    }
  }

  private static WriteCache.Meta amended(WriteCache.Meta m, long mtimeMillis, String base) {
    return new WriteCache.Meta(
        m.path(),
        m.size(),
        m.generation(),
        m.dirty(),
        base,
        mtimeMillis,
        m.remoteEtag(),
        m.ranges());
  }

  private void maybeCompact() throws IOException {
    long size = channel.size();
    if ((live.isEmpty() && size > COMPACT_EMPTY_ABOVE)
        || (size > COMPACT_DEAD_ABOVE && liveBytes * 2 < size)) {
      compact();
    }
  }

  /**
   * Rewrites the file with the live records only. The old file stays whole until the new one is
   * durable and renamed over it, so a crash at any point leaves one complete journal.
   */
  synchronized void compact() throws IOException {
    synchronized (syncLock) {
      long before = channel.size();
      Path tmp = dir.resolve(FILE + ".tmp");
      Map<String, Entry> moved = new HashMap<>();
      long bytes = 0;
      try (FileChannel out =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        for (Entry e : live.values()) {
          byte[] data = e.inline() ? read(channel, e) : null;
          ObjectNode rec = JSON.createObjectNode();
          rec.put("op", "put");
          rec.put("inline", data != null);
          rec.set("meta", JSON.valueToTree(e.meta()));
          long start = out.position();
          int size = writeRecord(out, rec, data);
          moved.put(
              e.meta().path(),
              new Entry(e.meta(), data == null ? -1 : start + size - data.length, size));
          bytes += size;
        }
        out.force(true);
      }
      channel.close();
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      WriteCache.fsyncFolder(dir);
      channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
      channel.position(channel.size());
      live.putAll(moved);
      liveBytes = bytes;
      synced = appended; // all that is live is in the new file, which is durable
      log.debug(
          "nas.journal_compacted bytes_before={} bytes_after={} pending={}",
          before,
          channel.size(),
          live.size());
    }
  }

  private static int readFully(FileChannel in, ByteBuffer b, long at) throws IOException {
    int total = 0;
    while (b.hasRemaining()) {
      int n = in.read(b, at + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
