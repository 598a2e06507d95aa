package ca.eazybackup.e3.agent.backup.upload;

import ca.eazybackup.e3.agent.backup.snapshot.DirEntries;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The finished entries of one directory in order. Above {@code threshold} they move to a temp file
 * (one JSON line each), so a huge flat folder costs disk, not heap. Can be read while still being
 * appended to (checkpoints read the entries done so far).
 */
final class EntryBuffer implements AutoCloseable {
  private final int threshold;
  private final Path spillDir;
  private final List<DirEntry> memory = new ArrayList<>();
  private Path file;
  private BufferedWriter writer;

  EntryBuffer(int threshold, Path spillDir) {
    this.threshold = threshold;
    this.spillDir = spillDir;
  }

  void add(DirEntry e) throws IOException {
    memory.add(e);
    if (memory.size() >= threshold) {
      if (writer == null) {
        Files.createDirectories(spillDir);
        file = Files.createTempFile(spillDir, "entries-", ".jsonl");
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      }
      for (DirEntry m : memory) {
        writer.write(DirEntries.toJson(m));
        writer.write('\n');
      }
      memory.clear();
    }
  }

  /** Visitor over the entries; may throw. */
  interface Visitor {
    void visit(DirEntry e) throws IOException;
  }

  void forEach(Visitor v) throws IOException {
    if (writer != null) {
      writer.flush();
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          v.visit(DirEntries.fromJson(line));
        }
      }
    }
    for (DirEntry e : List.copyOf(memory)) {
      v.visit(e);
    }
  }

  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
      Files.deleteIfExists(file);
      writer = null;
    }
  }
}
