package ca.eazybackup.e3.agent.backup.snapshot;

import ca.eazybackup.e3.agent.backup.object.ObjectId;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Field-by-field JSON of directory entries and summaries, in Go's struct order and with Go's {@code
 * omitempty} rules, so directories stream in and out without holding a whole listing.
 */
final class DirectoryJson {
  private DirectoryJson() {}

  static void writeEntry(JsonGenerator g, DirEntry e) throws IOException {
    g.writeStartObject();
    if (!e.name().isEmpty()) {
      g.writeStringField("name", e.name());
    }
    if (e.type() != null && !e.type().isEmpty()) {
      g.writeStringField("type", e.type());
    }
    if (e.mode() != 0) {
      g.writeStringField("mode", "0" + Integer.toOctalString(e.mode()));
    }
    if (e.size() != 0) {
      g.writeNumberField("size", e.size());
    }
    g.writeStringField("mtime", GoTime.format(e.mtime() == null ? Instant.EPOCH : e.mtime()));
    if (e.uid() != 0) {
      g.writeNumberField("uid", e.uid());
    }
    if (e.gid() != 0) {
      g.writeNumberField("gid", e.gid());
    }
    if (e.obj() != null) {
      g.writeStringField("obj", e.obj().value());
    }
    if (e.summary() != null) {
      g.writeFieldName("summ");
      writeSummary(g, e.summary());
    }
    g.writeEndObject();
  }

  static void writeSummary(JsonGenerator g, DirectorySummary s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("size", s.size());
    g.writeNumberField("files", s.files());
    g.writeNumberField("symlinks", s.symlinks());
    g.writeNumberField("dirs", s.dirs());
    g.writeStringField("maxTime", GoTime.format(s.maxTime() == null ? Instant.EPOCH : s.maxTime()));
    if (s.incomplete() != null && !s.incomplete().isEmpty()) {
      g.writeStringField("incomplete", s.incomplete());
    }
    g.writeNumberField("numFailed", s.numFailed());
    if (s.numIgnoredErrors() != 0) {
      g.writeNumberField("numIgnoredErrors", s.numIgnoredErrors());
    }
    if (!s.errors().isEmpty()) {
      g.writeArrayFieldStart("errors");
      for (DirectorySummary.EntryError err : s.errors()) {
        g.writeStartObject();
        g.writeStringField("path", err.path());
        g.writeStringField("error", err.error());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** Reads one entry; the parser is on its START_OBJECT. Unknown fields are skipped. */
  static DirEntry readEntry(JsonParser p) throws IOException {
    String name = "";
    String type = "";
    int mode = 0;
    long size = 0;
    Instant mtime = Instant.EPOCH;
    long uid = 0;
    long gid = 0;
    ObjectId obj = null;
    DirectorySummary summ = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.getCurrentName();
      p.nextToken();
      switch (field) {
        case "name" -> name = p.getText();
        case "type" -> type = p.getText();
        case "mode" -> mode = parseMode(p.getText());
        case "size" -> size = p.getLongValue();
        case "mtime" -> mtime = GoTime.parseInstant(p.getText());
        case "uid" -> uid = p.getLongValue();
        case "gid" -> gid = p.getLongValue();
        case "obj" -> obj = new ObjectId(p.getText());
        case "summ" -> summ = readSummary(p);
        default -> p.skipChildren();
      }
    }
    return new DirEntry(name, type, mode, size, mtime, uid, gid, obj, summ);
  }

  /** Go strconv.ParseInt(s, 0, 32): "0644" is octal, "0x1a4" hex, else decimal. */
  static int parseMode(String s) {
    if (s.startsWith("0x") || s.startsWith("0X")) {
      return Integer.parseInt(s.substring(2), 16);
    }
    if (s.startsWith("0o") || s.startsWith("0O")) {
      return Integer.parseInt(s.substring(2), 8);
    }
    if (s.length() > 1 && s.startsWith("0")) {
      return Integer.parseInt(s.substring(1), 8);
    }
    return Integer.parseInt(s);
  }

  static DirectorySummary readSummary(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    long size = 0;
    long files = 0;
    long symlinks = 0;
    long dirs = 0;
    Instant maxTime = Instant.EPOCH;
    String incomplete = null;
    long numFailed = 0;
    long ignored = 0;
    List<DirectorySummary.EntryError> errors = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.getCurrentName();
      p.nextToken();
      switch (field) {
        case "size" -> size = p.getLongValue();
        case "files" -> files = p.getLongValue();
        case "symlinks" -> symlinks = p.getLongValue();
        case "dirs" -> dirs = p.getLongValue();
        case "maxTime" -> maxTime = GoTime.parseInstant(p.getText());
        case "incomplete" -> incomplete = p.getText();
        case "numFailed" -> numFailed = p.getLongValue();
        case "numIgnoredErrors" -> ignored = p.getLongValue();
        case "errors" -> {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            String path = "";
            String error = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.getCurrentName();
              p.nextToken();
              if ("path".equals(f)) {
                path = p.getText();
              } else if ("error".equals(f)) {
                error = p.getText();
              } else {
                p.skipChildren();
              }
            }
            errors.add(new DirectorySummary.EntryError(path, error));
          }
        }
        default -> p.skipChildren();
      }
    }
    return new DirectorySummary(
        size, files, symlinks, dirs, maxTime, incomplete, numFailed, ignored, errors);
  }
}
