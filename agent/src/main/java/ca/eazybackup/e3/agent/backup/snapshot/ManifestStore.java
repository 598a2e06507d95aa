package ca.eazybackup.e3.agent.backup.snapshot;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kopia's manifest store: every {@code m} content is gzip( {"entries":[…]}\n ); per id the entry
 * with the latest {@code modified} wins and deleted ones are dropped. A put or delete writes one
 * new content (durable at the next {@link ContentStore#flush()}); with 16 or more contents the
 * store rewrites the live entries into one and deletes the rest.
 */
public final class ManifestStore {
  static final String PREFIX = "m";
  static final int AUTO_COMPACTION_COUNT = 16;
  private static final Logger LOG = LoggerFactory.getLogger(ManifestStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ContentStore store;
  private final Clock clock;
  private final Map<String, ManifestEntry> entries = new TreeMap<>();
  private final TreeSet<ContentId> contentIds = new TreeSet<>();
  private boolean loaded;

  public ManifestStore(ContentStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** (Re)reads every manifest content; a corrupt one fails the load rather than hiding entries. */
  public synchronized void reload() throws IOException {
    entries.clear();
    contentIds.clear();
    List<ContentId> ids = new ArrayList<>();
    store.list(PREFIX, info -> ids.add(info.id()));
    Map<String, ManifestEntry> merged = new TreeMap<>();
    for (ContentId id : ids) {
      for (ManifestEntry e : decode(store.read(id), id)) {
        ManifestEntry old = merged.get(e.id());
        if (old == null || e.modified().isAfter(old.modified())) {
          merged.put(e.id(), e);
        }
      }
      contentIds.add(id);
    }
    merged.values().stream().filter(e -> !e.deleted()).forEach(e -> entries.put(e.id(), e));
    loaded = true;
  }

  private void ensureLoaded() throws IOException {
    if (!loaded) {
      reload();
    }
  }

  /** Stores a new manifest and returns its id (16 random bytes, hex). */
  public synchronized String put(Map<String, String> labels, JsonNode data) throws IOException {
    ensureLoaded();
    if (!labels.containsKey("type")) {
      throw new IllegalArgumentException("manifest labels need a 'type'");
    }
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    ManifestEntry e =
        new ManifestEntry(HexFormat.of().formatHex(random), labels, now(), false, data);
    contentIds.add(writeContent(List.of(e)));
    entries.put(e.id(), e);
    return e.id();
  }

  public synchronized void delete(String id) throws IOException {
    ensureLoaded();
    ManifestEntry old = entries.remove(id);
    if (old == null) {
      return;
    }
    ManifestEntry tomb =
        new ManifestEntry(id, old.labels(), now(), true, JSON.getNodeFactory().objectNode());
    contentIds.add(writeContent(List.of(tomb)));
  }

  public synchronized Optional<ManifestEntry> get(String id) throws IOException {
    ensureLoaded();
    return Optional.ofNullable(entries.get(id));
  }

  public synchronized List<ManifestEntry> find(Map<String, String> labels) throws IOException {
    ensureLoaded();
    return entries.values().stream().filter(e -> e.matches(labels)).toList();
  }

  /** Number of {@code m} contents now; compaction brings it back to one. */
  public synchronized int contentCount() {
    return contentIds.size();
  }

  /**
   * Rewrites all live entries into one content and deletes the others, when there are at least
   * {@link #AUTO_COMPACTION_COUNT}. The caller flushes: the new content and the deletions become
   * durable in the same flush, so readers see either the old set or the new one.
   */
  public synchronized boolean compactIfNeeded() throws IOException {
    ensureLoaded();
    if (contentIds.size() < AUTO_COMPACTION_COUNT) {
      return false;
    }
    ContentId written = writeContent(new ArrayList<>(entries.values()));
    for (ContentId old : new ArrayList<>(contentIds)) {
      if (!old.equals(written)) {
        store.delete(old);
        contentIds.remove(old);
      }
    }
    contentIds.add(written);
    LOG.info("event=manifest_compaction live_entries={}", entries.size());
    return true;
  }

  private Instant now() {
    return clock.instant();
  }

  private ContentId writeContent(List<ManifestEntry> list) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("entries");
    for (ManifestEntry e : list) {
      ObjectNode n = arr.addObject();
      n.put("id", e.id());
      ObjectNode labels = n.putObject("labels");
      new TreeMap<>(e.labels()).forEach(labels::put);
      n.put("modified", GoTime.format(e.modified()));
      if (e.deleted()) {
        n.put("deleted", true);
      }
      n.set("data", e.data());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(JSON.writeValueAsBytes(root));
      gz.write('\n');
    }
    byte[] data = bytes.toByteArray();
    return store.write(data, 0, data.length, PREFIX, "none");
  }

  static List<ManifestEntry> decode(byte[] gz, ContentId from) throws IOException {
    JsonNode root;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException("manifest content " + from + " is not gzip JSON", e);
    }
    List<ManifestEntry> out = new ArrayList<>();
    JsonNode arr = root == null ? null : root.get("entries");
    if (arr == null || !arr.isArray()) {
      return out;
    }
    for (JsonNode n : arr) {
      Map<String, String> labels = new LinkedHashMap<>();
      JsonNode ln = n.get("labels");
      if (ln != null) {
        ln.fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
      }
      out.add(
          new ManifestEntry(
              n.path("id").asText(),
              labels,
              GoTime.parseInstant(n.path("modified").asText("1970-01-01T00:00:00Z")),
              n.path("deleted").asBoolean(false),
              n.get("data")));
    }
    return out;
  }

  static String describe(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
