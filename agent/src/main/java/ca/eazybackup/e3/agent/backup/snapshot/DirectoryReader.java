package ca.eazybackup.e3.agent.backup.snapshot;

import ca.eazybackup.e3.agent.backup.object.CorruptObjectException;
import ca.eazybackup.e3.agent.backup.object.ObjectId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the entries of a {@code kopia:directory} object in stored order; {@link #summary()} is
 * available once the entries are consumed. Reads at most one entry ahead.
 */
public final class DirectoryReader implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private final ObjectId id;
  private final JsonParser p;
  private boolean inEntries;
  private boolean entriesDone;
  private DirectorySummary summary;
  private DirEntry peeked;

  private DirectoryReader(ObjectId id, JsonParser p) {
    this.id = id;
    this.p = p;
  }

  public static DirectoryReader open(ObjectManager objects, ObjectId id) throws IOException {
    JsonParser p = JSON.createParser(objects.open(id).stream());
    DirectoryReader r = new DirectoryReader(id, p);
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw r.corrupt("not a JSON object");
    }
    r.advanceToEntries();
    return r;
  }

  private CorruptObjectException corrupt(String why) {
    return new CorruptObjectException("directory " + id + " is malformed: " + why, null);
  }

  /** Moves to the entries array, reading any fields before it (stream, summary). */
  private void advanceToEntries() throws IOException {
    while (true) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.END_OBJECT || t == null) {
        entriesDone = true;
        return;
      }
      String field = p.getCurrentName();
      p.nextToken();
      switch (field) {
        case "stream" -> {
          if (!"kopia:directory".equals(p.getText())) {
            throw corrupt("stream is '" + p.getText() + "'");
          }
        }
        case "summary" -> summary = DirectoryJson.readSummary(p);
        case "entries" -> {
          if (p.currentToken() == JsonToken.VALUE_NULL) {
            continue;
          }
          inEntries = true;
          return;
        }
        default -> p.skipChildren();
      }
    }
  }

  /** The next entry, or null at the end. */
  public DirEntry next() throws IOException {
    if (peeked != null) {
      DirEntry e = peeked;
      peeked = null;
      return e;
    }
    if (entriesDone) {
      return null;
    }
    JsonToken t = p.nextToken();
    if (t == JsonToken.START_OBJECT) {
      return DirectoryJson.readEntry(p);
    }
    if (t != JsonToken.END_ARRAY) {
      throw corrupt("unexpected " + t + " in entries");
    }
    inEntries = false;
    advanceToEntries();
    entriesDone = true;
    return null;
  }

  /** The next entry without consuming it. */
  public DirEntry peek() throws IOException {
    if (peeked == null) {
      peeked = next();
    }
    return peeked;
  }

  /** The directory's summary; consumes remaining entries if needed. */
  public DirectorySummary summary() throws IOException {
    while (!entriesDone || inEntries) {
      if (next() == null) {
        break;
      }
    }
    return summary;
  }

  /** All entries (for small directories and tests). */
  public static List<DirEntry> readAll(ObjectManager objects, ObjectId id) throws IOException {
    List<DirEntry> all = new ArrayList<>();
    try (DirectoryReader r = open(objects, id)) {
      for (DirEntry e = r.next(); e != null; e = r.next()) {
        all.add(e);
      }
    }
    return all;
  }

  @Override
  public void close() throws IOException {
    p.close();
  }
}
