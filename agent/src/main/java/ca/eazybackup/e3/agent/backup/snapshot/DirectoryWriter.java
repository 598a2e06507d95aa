package ca.eazybackup.e3.agent.backup.snapshot;

import ca.eazybackup.e3.agent.backup.object.ObjectId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.object.ObjectWriter;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Streams one {@code kopia:directory} object (prefix {@code k}) entry by entry, so a folder of
 * millions of files never sits in memory. Entries must arrive in {@link DirEntry#compareOrder}
 * order; the summary is written last, as Kopia does.
 */
public final class DirectoryWriter implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private final ObjectWriter out;
  private final JsonGenerator g;
  private DirEntry last;

  public DirectoryWriter(ObjectManager objects) throws IOException {
    this.out = objects.newWriter("k", "none");
    this.g = JSON.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.writeStartObject();
    g.writeStringField("stream", "kopia:directory");
    g.writeArrayFieldStart("entries");
  }

  public void add(DirEntry e) throws IOException {
    if (last != null
        && DirEntry.compareOrder(last.isDirectory(), last.name(), e.isDirectory(), e.name()) >= 0) {
      throw new IllegalStateException(
          "directory entries out of order: '" + last.name() + "' then '" + e.name() + "'");
    }
    DirectoryJson.writeEntry(g, e);
    last = e;
  }

  public ObjectId finish(DirectorySummary summary) throws IOException {
    g.writeEndArray();
    g.writeFieldName("summary");
    DirectoryJson.writeSummary(g, summary);
    g.writeEndObject();
    g.writeRaw('\n');
    g.flush();
    return out.result();
  }

  @Override
  public void close() throws IOException {
    g.close();
    out.close();
  }
}
