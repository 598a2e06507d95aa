package ca.eazybackup.e3.agent.nas.webdav;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.namespace.QName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead properties (RFC 4918 §4: stored, never interpreted) by volume path, values as XML fragments.
 * They follow MOVE and COPY and go with DELETE. S3 has no place for arbitrary properties, so they
 * live beside the volume's cache: an append-only journal {@code properties.log} in the cache folder
 * (replayed at open, compacted when it grows), or memory only when there is no folder. Explorer's
 * Win32 times and attributes are kept here too.
 */
final class PropertyStore {
  private static final Logger log = LoggerFactory.getLogger(PropertyStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Map<QName, String>> byPath = new HashMap<>();
  private final Path journal;
  private Writer out;
  private long lines;

  private PropertyStore(Path journal) {
    this.journal = journal;
  }

  static PropertyStore inMemory() {
    return new PropertyStore(null);
  }

  /** Opens (replaying) the journal in {@code folder}. */
  static PropertyStore open(Path folder) throws IOException {
    Files.createDirectories(folder);
    PropertyStore s = new PropertyStore(folder.resolve("properties.log"));
    if (Files.exists(s.journal)) {
      try (BufferedReader r = Files.newBufferedReader(s.journal, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          try {
            s.apply(JSON.readTree(line));
          } catch (IOException e) {
            log.warn("nas.properties_line_skipped error={}", e.toString()); // a torn last line
          }
        }
      }
    }
    s.compact();
    return s;
  }

  synchronized Map<QName, String> get(String path) {
    Map<QName, String> m = byPath.get(path);
    return m == null ? Map.of() : Map.copyOf(m);
  }

  synchronized String get(String path, QName name) {
    Map<QName, String> m = byPath.get(path);
    return m == null ? null : m.get(name);
  }

  /** Sets and removes in one step ({@code null} value = remove), in the order given. */
  synchronized void change(String path, List<Map.Entry<QName, String>> changes) {
    ObjectNode op = JSON.createObjectNode().put("op", "change").put("path", path);
    var arr = op.putArray("changes");
    for (Map.Entry<QName, String> c : changes) {
      ObjectNode o = arr.addObject().put("name", c.getKey().toString());
      if (c.getValue() != null) {
        o.put("value", c.getValue());
      }
    }
    apply(op);
    append(op);
  }

  /** Forgets the properties of {@code path} and everything below it. */
  synchronized void drop(String path) {
    ObjectNode op = JSON.createObjectNode().put("op", "drop").put("path", path);
    if (byPath.keySet().stream().anyMatch(p -> DavPaths.isWithin(p, path))) {
      apply(op);
      append(op);
    }
  }

  synchronized void move(String from, String to) {
    ObjectNode op = JSON.createObjectNode().put("op", "move").put("from", from).put("to", to);
    apply(op);
    append(op);
  }

  synchronized void copy(String from, String to, boolean recursive) {
    ObjectNode op =
        JSON.createObjectNode()
            .put("op", "copy")
            .put("from", from)
            .put("to", to)
            .put("recursive", recursive);
    apply(op);
    append(op);
  }

  private void apply(JsonNode op) {
    switch (op.path("op").asText()) {
      case "change" -> {
        String path = op.path("path").asText();
        Map<QName, String> m = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
        for (JsonNode c : op.path("changes")) {
          QName name = QName.valueOf(c.path("name").asText());
          if (c.has("value")) {
            m.put(name, c.path("value").asText());
          } else {
            m.remove(name);
          }
        }
        if (m.isEmpty()) {
          byPath.remove(path);
        }
      }
      case "drop" -> {
        String path = op.path("path").asText();
        byPath.keySet().removeIf(p -> DavPaths.isWithin(p, path));
      }
      case "move", "copy" -> {
        String from = op.path("from").asText();
        String to = op.path("to").asText();
        boolean move = op.path("op").asText().equals("move");
        boolean recursive = move || op.path("recursive").asBoolean(true);
        byPath.keySet().removeIf(p -> DavPaths.isWithin(p, to));
        Map<String, Map<QName, String>> moved = new HashMap<>();
        for (var e : byPath.entrySet()) {
          String p = e.getKey();
          if (p.equals(from) || (recursive && DavPaths.isWithin(p, from))) {
            moved.put(to + p.substring(from.length()), new LinkedHashMap<>(e.getValue()));
          }
        }
        if (move) {
          byPath.keySet().removeIf(p -> DavPaths.isWithin(p, from));
        }
        byPath.putAll(moved);
      }
      default -> log.warn("nas.properties_unknown_op op={}", op.path("op").asText());
    }
  }

  private void append(JsonNode op) {
    if (journal == null) {
      return;
    }
    try {
      if (out == null) {
        out =
            Files.newBufferedWriter(
                journal,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
      }
      out.write(JSON.writeValueAsString(op));
      out.write('\n');
      out.flush();
      if (++lines > 4L * byPath.size() + 10_000) {
        compact();
      }
    } catch (IOException e) {
      log.warn("nas.properties_journal_failed file={} error={}", journal, e.toString());
    }
  }

  private void compact() throws IOException {
    if (journal == null) {
      return;
    }
    if (out != null) {
      out.close();
      out = null;
    }
    Path tmp = journal.resolveSibling("properties.log.tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (var e : byPath.entrySet()) {
        ObjectNode op = JSON.createObjectNode().put("op", "change").put("path", e.getKey());
        var arr = op.putArray("changes");
        e.getValue().forEach((k, v) -> arr.addObject().put("name", k.toString()).put("value", v));
        w.write(JSON.writeValueAsString(op));
        w.write('\n');
      }
    }
    Files.move(tmp, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    lines = byPath.size();
  }

  synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // best effort
      }
      out = null;
    }
  }
}
