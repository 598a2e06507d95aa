package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.EventLog;
import ca.eazybackup.e3.shims.ShimException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated Application log: one JSON line per event in {@code
 * <root>/eventlog/Application.jsonl} shared by every process of the simulated machine (the service
 * writes, a test reads). As on Windows, any process may write under any source, registered or not;
 * registering a source writes HKLM and so needs elevation; a message is cut to ReportEvent's 31,839
 * characters.
 */
final class SimEventLog implements EventLog {
  static final String MESSAGE_FILE =
      "%SystemRoot%\\Microsoft.NET\\Framework64\\v4.0.30319\\EventLogMessages.dll";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The Application log's default maximum size on current Windows (20,480 KB, "overwrite events as
   * needed"): a long-lived agent on a simulated host must not grow the file without end.
   */
  static final long MAX_BYTES = 20L * 1024 * 1024;

  private final SimulatedWindowsHost host;
  private final String source;
  private final long maxBytes;

  SimEventLog(SimulatedWindowsHost host, String source) {
    this(host, source, MAX_BYTES);
  }

  SimEventLog(SimulatedWindowsHost host, String source, long maxBytes) {
    this.host = host;
    this.source = source;
    this.maxBytes = maxBytes;
  }

  private Path file() {
    return host.root().resolve("eventlog").resolve("Application.jsonl");
  }

  @Override
  public void report(Level level, int eventId, String message) throws ShimException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("source", source);
    line.put("type", level.type());
    line.put("id", eventId & 0xFFFF);
    line.put("message", EventLog.fit(message));
    try {
      Files.createDirectories(file().getParent());
      Files.writeString(
          file(),
          JSON.writeValueAsString(line) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
      if (Files.size(file()) > maxBytes) {
        overwriteOldest();
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new ShimException("ReportEvent(" + source + ") failed: " + e, e);
    }
  }

  /** Full: the oldest half of the events goes, as Windows overwrites the oldest when needed. */
  private void overwriteOldest() throws IOException {
    Path file = file();
    synchronized (SimEventLog.class) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> kept = lines.subList(lines.size() / 2, lines.size());
      Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid());
      Files.write(tmp, kept, StandardCharsets.UTF_8);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  @Override
  public List<Event> newest(int max) throws ShimException {
    if (!Files.exists(file())) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ShimException("reading the Application log failed: " + e, e);
    }
    List<Event> events = new ArrayList<>();
    for (int i = lines.size() - 1; i >= 0 && events.size() < max; i--) {
      String text = lines.get(i);
      if (text.isBlank()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(text);
        if (n.path("source").asText().equalsIgnoreCase(source)) {
          events.add(
              new Event(
                  n.path("source").asText(),
                  Level.ofType(n.path("type").asInt()),
                  n.path("id").asInt(),
                  n.path("message").asText()));
        }
      } catch (JsonProcessingException e) {
        // a line another process is still appending: not an event yet
      }
    }
    return events;
  }

  @Override
  public void registerSource() throws ShimException {
    String key = EventLog.sourceKey(source);
    host.registry().setString(key, "EventMessageFile", MESSAGE_FILE);
    host.registry().setDword(key, "TypesSupported", 0x7);
  }

  @Override
  public void unregisterSource() throws ShimException {
    String key = EventLog.sourceKey(source);
    host.registry().deleteValue(key, "EventMessageFile");
    host.registry().deleteValue(key, "TypesSupported");
  }
}
