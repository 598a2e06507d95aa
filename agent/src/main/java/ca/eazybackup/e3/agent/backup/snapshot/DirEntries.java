package ca.eazybackup.e3.agent.backup.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.StringWriter;

/** One directory entry as a line of Kopia JSON, for spill files of huge directories. */
public final class DirEntries {
  private static final JsonFactory JSON = new JsonFactory();

  private DirEntries() {}

  public static String toJson(DirEntry e) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      DirectoryJson.writeEntry(g, e);
    }
    return w.toString();
  }

  public static DirEntry fromJson(String line) throws IOException {
    try (JsonParser p = JSON.createParser(line)) {
      p.nextToken();
      return DirectoryJson.readEntry(p);
    }
  }
}
