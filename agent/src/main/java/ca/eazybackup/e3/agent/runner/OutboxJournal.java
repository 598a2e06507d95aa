package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's append-only journal: what is queued for the addon survives a kill -9 (the bytes are
 * in the OS once {@code write} returns) and, for records appended with {@code sync}, a power cut
 * (fsync). Records are framed {@code [length][crc32][json]} so a record torn by a crash is found
 * and cut off at replay instead of poisoning the file.
 *
 * <p>Four kinds of record: {@code add} (a new item with its id), {@code adds} (several new items
 * that must survive together), {@code set} (an item's new content, e.g. a skipped-files summary
 * whose count grew) and {@code ack} (items delivered or given up). Replay keeps the items added and
 * not acknowledged, in id order. When acknowledged records make up most of the file, it is
 * rewritten with only the live items (to a temp file, fsync'd, then atomically moved over), so the
 * file stays about as large as what is still queued.
 *
 * <p>Not thread-safe: the {@link Outbox} calls it under its lock.
 */
final class OutboxJournal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxJournal.class);
  static final String FILE = "outbox.journal";
  private static final int MAX_RECORD = 8 * 1024 * 1024;

  private final Path dir;
  private final Path file;
  private final long compactAbove;
  private final TreeMap<Long, ObjectNode> live = new TreeMap<>();
  private final Map<Long, Integer> liveSizes = new LinkedHashMap<>();
  private long liveBytes;
  private FileChannel channel;
  private long nextId = 1;
  private int tornRecords;

  private OutboxJournal(Path dir, long compactAbove) {
    this.dir = dir;
    this.file = dir.resolve(FILE);
    this.compactAbove = compactAbove;
  }

  /** Opens (creating when missing) the journal in {@code dir} and replays it. */
  static OutboxJournal open(Path dir, long compactAbove) throws IOException {
    Files.createDirectories(dir);
    OutboxJournal j = new OutboxJournal(dir, compactAbove);
    j.replay();
    return j;
  }

  /** The items queued and never acknowledged, by id (oldest first), as found at open. */
  Map<Long, ObjectNode> pending() {
    Map<Long, ObjectNode> copy = new LinkedHashMap<>();
    live.forEach((id, item) -> copy.put(id, item.deepCopy()));
    return copy;
  }

  /** How many records were found torn (cut off) at open: 0 or 1 after a crash. */
  int tornRecords() {
    return tornRecords;
  }

  long sizeBytes() throws IOException {
    return channel.size();
  }

  /** Appends a new item; returns its id. With {@code sync} the record is on disk on return. */
  long append(ObjectNode item, boolean sync) throws IOException {
    long id = nextId++;
    ObjectNode rec = AgentApiClient.JSON.createObjectNode();
    rec.put("op", "add");
    rec.put("id", id);
    rec.set("item", item);
    int size = write(rec, sync);
    live.put(id, item.deepCopy());
    liveSizes.put(id, size);
    liveBytes += size;
    return id;
  }

  /**
   * Appends several items as ONE record, so a crash leaves all of them or none (its checksum covers
   * the whole): a run's closing event, final status and command completion are either all still to
   * send after a restart, or were never queued. Returns their ids in order.
   */
  long[] appendAll(List<ObjectNode> items, boolean sync) throws IOException {
    long[] ids = new long[items.size()];
    ArrayNode adds = AgentApiClient.JSON.createArrayNode();
    for (int i = 0; i < items.size(); i++) {
      ids[i] = nextId++;
      adds.addObject().put("id", ids[i]).set("item", items.get(i));
    }
    ObjectNode rec = AgentApiClient.JSON.createObjectNode();
    rec.put("op", "adds");
    rec.set("items", adds);
    int share = write(rec, sync) / items.size();
    for (int i = 0; i < items.size(); i++) {
      live.put(ids[i], items.get(i).deepCopy());
      liveSizes.put(ids[i], share);
      liveBytes += share;
    }
    return ids;
  }

  /** Replaces the content of a queued item (no fsync: losing it only loses a count's growth). */
  void amend(long id, ObjectNode item) throws IOException {
    if (!live.containsKey(id)) {
      return;
    }
    ObjectNode rec = AgentApiClient.JSON.createObjectNode();
    rec.put("op", "set");
    rec.put("id", id);
    rec.set("item", item);
    int size = write(rec, false);
    live.put(id, item.deepCopy());
    liveBytes += size - liveSizes.getOrDefault(id, 0);
    liveSizes.put(id, size);
  }

  /**
   * Marks items done. Not fsync'd: an acknowledgement lost in a power cut only means the item is
   * delivered once more, which the contract makes harmless (absolute updates, seq-deduped events,
   * 409 on a repeated completion).
   */
  void ack(Collection<Long> ids) throws IOException {
    ArrayNode arr = AgentApiClient.JSON.createArrayNode();
    for (Long id : ids) {
      if (id != null && id > 0 && live.remove(id) != null) {
        liveBytes -= liveSizes.getOrDefault(id, 0);
        liveSizes.remove(id);
        arr.add(id);
      }
    }
    if (arr.isEmpty()) {
      return;
    }
    ObjectNode rec = AgentApiClient.JSON.createObjectNode();
    rec.put("op", "ack");
    rec.set("ids", arr);
    write(rec, false);
    maybeCompact();
  }

  private void maybeCompact() throws IOException {
    long size = channel.size();
    boolean emptyAndWorthIt = live.isEmpty() && size > 64 * 1024;
    boolean mostlyDead = size > compactAbove && liveBytes * 2 < size;
    if (emptyAndWorthIt || mostlyDead) {
      compact();
    }
  }

  /** Rewrites the journal with only the live items; a crash midway leaves the old file intact. */
  void compact() throws IOException {
    long before = channel.size();
    Path tmp = dir.resolve(FILE + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      liveBytes = 0;
      for (Map.Entry<Long, ObjectNode> e : live.entrySet()) {
        ObjectNode rec = AgentApiClient.JSON.createObjectNode();
        rec.put("op", "add");
        rec.put("id", e.getKey());
        rec.set("item", e.getValue());
        int size = writeTo(out, rec);
        liveSizes.put(e.getKey(), size);
        liveBytes += size;
      }
      out.force(true);
    }
    channel.close();
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory();
    channel = openForAppend();
    log.debug(
        "outbox.journal_compacted bytes_before={} bytes_after={} items={}",
        before,
        channel.size(),
        live.size());
  }

  private void replay() throws IOException {
    if (Files.exists(file)) {
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        long goodEnd = 0;
        ByteBuffer header = ByteBuffer.allocate(8);
        while (true) {
          header.clear();
          if (readFully(in, header) < 8) {
            break;
          }
          header.flip();
          int len = header.getInt();
          int crc = header.getInt();
          if (len <= 0 || len > MAX_RECORD) {
            break;
          }
          ByteBuffer body = ByteBuffer.allocate(len);
          if (readFully(in, body) < len) {
            break;
          }
          byte[] bytes = body.array();
          if (crc32(bytes) != crc) {
            break;
          }
          JsonNode rec;
          try {
            rec = AgentApiClient.JSON.readTree(bytes);
          } catch (JsonProcessingException e) {
            break;
          }
          apply(rec, 8 + len);
          goodEnd = in.position();
        }
        long size = in.size();
        if (goodEnd < size) {
          tornRecords++;
          log.warn(
              "outbox.journal_torn_record file={} offset={} dropped_bytes={}: the agent stopped"
                  + " while writing it; everything before it is kept",
              file,
              goodEnd,
              size - goodEnd);
        }
        if (goodEnd < size) {
          try (FileChannel trunc = FileChannel.open(file, StandardOpenOption.WRITE)) {
            trunc.truncate(goodEnd);
            trunc.force(true);
          }
        }
      }
    }
    channel = openForAppend();
  }

  private void apply(JsonNode rec, int size) {
    String op = rec.path("op").asText("");
    long id = rec.path("id").asLong(0);
    switch (op) {
      case "add" -> {
        if (rec.get("item") instanceof ObjectNode item) {
          live.put(id, item);
          liveSizes.put(id, size);
          liveBytes += size;
          nextId = Math.max(nextId, id + 1);
        }
      }
      case "adds" -> {
        int share = size / Math.max(1, rec.path("items").size());
        for (JsonNode add : rec.path("items")) {
          long addId = add.path("id").asLong(0);
          if (addId > 0 && add.get("item") instanceof ObjectNode item) {
            live.put(addId, item);
            liveSizes.put(addId, share);
            liveBytes += share;
            nextId = Math.max(nextId, addId + 1);
          }
        }
      }
      case "set" -> {
        if (live.containsKey(id) && rec.get("item") instanceof ObjectNode item) {
          live.put(id, item);
          liveBytes += size - liveSizes.getOrDefault(id, 0);
          liveSizes.put(id, size);
        }
      }
      case "ack" ->
          rec.path("ids")
              .forEach(
                  n -> {
                    long acked = n.asLong();
                    if (live.remove(acked) != null) {
                      liveBytes -= liveSizes.getOrDefault(acked, 0);
                      liveSizes.remove(acked);
                    }
                  });
      default -> log.warn("outbox.journal_unknown_record op={}", op);
    }
  }

  private int write(ObjectNode rec, boolean sync) throws IOException {
    int size = writeTo(channel, rec);
    if (sync) {
      channel.force(false);
    }
    return size;
  }

  private static int writeTo(FileChannel ch, ObjectNode rec) throws IOException {
    byte[] json = AgentApiClient.JSON.writeValueAsString(rec).getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + json.length);
    buf.putInt(json.length).putInt(crc32(json)).put(json).flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    return 8 + json.length;
  }

  private FileChannel openForAppend() throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** So the rename itself survives a power cut; not possible on Windows, where it is not needed. */
  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      log.trace("outbox.journal_dir_sync_unavailable error={}", e.toString());
    }
  }

  private static int readFully(FileChannel ch, ByteBuffer buf) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  private static int crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  int liveCount() {
    return live.size();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
