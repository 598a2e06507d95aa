package ca.eazybackup.e3.shims.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Append-only JSON lines, one per simulated Windows call, so a test can assert what a separate
 * agent process did. A password never enters it: callers pass {@code "***"} at most.
 */
final class SimJournal {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String session;
  private final Clock clock;
  private final List<Map<String, Object>> entries = new ArrayList<>();

  SimJournal(Path file, String session, Clock clock) {
    this.file = file;
    this.session = session;
    this.clock = clock;
  }

  /** Records {@code op} with {@code fields} (alternating key, value) and {@code "result":"ok"}. */
  void ok(String op, Object... fields) {
    record(op, fields, null, 0);
  }

  /** Records a failed call with its Win32 error name and code. */
  void failed(String op, String errorName, int code, Object... fields) {
    record(op, fields, errorName, code);
  }

  private void record(String op, Object[] fields, String errorName, int code) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
    line.put("pid", ProcessHandle.current().pid());
    line.put("session", session);
    line.put("op", op);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      line.put(String.valueOf(fields[i]), fields[i + 1]);
    }
    if (errorName == null) {
      line.put("result", "ok");
    } else {
      line.put("result", "error");
      line.put("error", errorName);
      line.put("code", code);
    }
    synchronized (entries) {
      entries.add(line);
    }
    if (file != null) {
      try {
        String text = JSON.writeValueAsString(line) + "\n";
        Files.writeString(
            file,
            text,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("journal line not serializable: " + op, e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to simulated host journal " + file, e);
      }
    }
  }

  /** This process's entries, oldest first. */
  List<Map<String, Object>> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }
}
