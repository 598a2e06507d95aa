package ca.eazybackup.e3.agent.backup.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Snapshot manifests in the manifest store (Kopia snapshot/manager.go). */
public final class SnapshotManager {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();
  private final ManifestStore manifests;

  public SnapshotManager(ManifestStore manifests) {
    this.manifests = manifests;
  }

  public ManifestStore manifests() {
    return manifests;
  }

  static Map<String, String> labels(SourceInfo s) {
    Map<String, String> l = new HashMap<>();
    l.put("type", "snapshot");
    l.put("hostname", s.host());
    l.put("username", s.userName());
    l.put("path", s.path());
    return l;
  }

  /**
   * Puts the manifest into the store and returns its id. The caller must have flushed everything it
   * references before, and must flush after (then re-read) before calling the run a success.
   */
  public String save(SnapshotManifest m) throws IOException {
    Map<String, String> labels = labels(m.source());
    for (Map.Entry<String, String> t : m.tags().entrySet()) {
      if (labels.containsKey(t.getKey())) {
        throw new IllegalArgumentException("tag '" + t.getKey() + "' clashes with a label");
      }
      labels.put(t.getKey(), t.getValue());
    }
    return manifests.put(labels, toJson(m));
  }

  public Optional<SnapshotManifest> load(String id) throws IOException {
    Optional<ManifestEntry> e = manifests.get(id);
    if (e.isEmpty() || !"snapshot".equals(e.get().labels().get("type"))) {
      return Optional.empty();
    }
    return Optional.of(fromJson(id, e.get().data()));
  }

  /** Snapshots of one source, oldest first. */
  public List<SnapshotManifest> list(SourceInfo source) throws IOException {
    return sorted(manifests.find(labels(source)));
  }

  /** Every snapshot in the repository, oldest first. */
  public List<SnapshotManifest> listAll() throws IOException {
    return sorted(manifests.find(Map.of("type", "snapshot")));
  }

  public void delete(String id) throws IOException {
    manifests.delete(id);
  }

  private static List<SnapshotManifest> sorted(List<ManifestEntry> entries) throws IOException {
    List<SnapshotManifest> out = new ArrayList<>();
    for (ManifestEntry e : entries) {
      out.add(fromJson(e.id(), e.data()));
    }
    out.sort(Comparator.comparing(m -> m.startTime().toInstant()));
    return out;
  }

  static JsonNode toJson(SnapshotManifest m) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("id", "");
      g.writeObjectFieldStart("source");
      g.writeStringField("host", m.source().host());
      g.writeStringField("userName", m.source().userName());
      g.writeStringField("path", m.source().path());
      g.writeEndObject();
      g.writeStringField("description", m.description());
      g.writeStringField("startTime", GoTime.format(m.startTime()));
      g.writeStringField("endTime", GoTime.format(m.endTime()));
      SnapshotStats s = m.stats();
      g.writeObjectFieldStart("stats");
      g.writeNumberField("totalSize", s.totalSize());
      g.writeNumberField("excludedTotalSize", s.excludedTotalSize());
      g.writeNumberField("fileCount", s.fileCount());
      g.writeNumberField("cachedFiles", s.cachedFiles());
      g.writeNumberField("nonCachedFiles", s.nonCachedFiles());
      g.writeNumberField("dirCount", s.dirCount());
      g.writeNumberField("excludedFileCount", s.excludedFileCount());
      g.writeNumberField("excludedDirCount", s.excludedDirCount());
      g.writeNumberField("ignoredErrorCount", s.ignoredErrorCount());
      g.writeNumberField("errorCount", s.errorCount());
      g.writeEndObject();
      if (!m.isComplete()) {
        g.writeStringField("incomplete", m.incomplete());
      }
      g.writeFieldName("rootEntry");
      DirectoryJson.writeEntry(g, m.rootEntry());
      if (!m.tags().isEmpty()) {
        g.writeObjectFieldStart("tags");
        for (Map.Entry<String, String> t : new TreeMap<>(m.tags()).entrySet()) {
          g.writeStringField(t.getKey(), t.getValue());
        }
        g.writeEndObject();
      }
      if (!m.pins().isEmpty()) {
        g.writeArrayFieldStart("pins");
        for (String p : m.pins()) {
          g.writeString(p);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    return JSON.readTree(w.toString());
  }

  static SnapshotManifest fromJson(String id, JsonNode n) throws IOException {
    JsonNode src = n.path("source");
    JsonNode st = n.path("stats");
    SnapshotStats stats =
        new SnapshotStats(
            st.path("totalSize").asLong(),
            st.path("excludedTotalSize").asLong(),
            st.path("fileCount").asLong(),
            st.path("cachedFiles").asLong(),
            st.path("nonCachedFiles").asLong(),
            st.path("dirCount").asLong(),
            st.path("excludedFileCount").asLong(),
            st.path("excludedDirCount").asLong(),
            st.path("ignoredErrorCount").asLong(),
            st.path("errorCount").asLong());
    DirEntry root = null;
    if (n.hasNonNull("rootEntry")) {
      try (JsonParser p = FACTORY.createParser(JSON.writeValueAsBytes(n.get("rootEntry")))) {
        p.nextToken();
        root = DirectoryJson.readEntry(p);
      }
    }
    Map<String, String> tags = new LinkedHashMap<>();
    n.path("tags").fields().forEachRemaining(f -> tags.put(f.getKey(), f.getValue().asText()));
    List<String> pins = new ArrayList<>();
    n.path("pins").forEach(p -> pins.add(p.asText()));
    String incomplete = n.path("incomplete").asText("");
    return new SnapshotManifest(
        id,
        new SourceInfo(
            src.path("host").asText(), src.path("userName").asText(), src.path("path").asText()),
        n.path("description").asText(""),
        GoTime.parse(n.path("startTime").asText("1970-01-01T00:00:00Z")),
        GoTime.parse(n.path("endTime").asText("1970-01-01T00:00:00Z")),
        stats,
        incomplete.isEmpty() ? null : incomplete,
        root,
        tags,
        pins);
  }
}
