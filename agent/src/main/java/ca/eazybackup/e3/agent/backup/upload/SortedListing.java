package ca.eazybackup.e3.agent.backup.upload;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * One directory's entries in Kopia order, with bounded memory: up to {@code threshold} entries are
 * sorted in memory; beyond that sorted runs go to temp files and are merged while iterating (as
 * rclone does above --list-cutoff), so a folder of millions of files does not fill the heap.
 */
final class SortedListing implements Iterable<SourceEntry>, AutoCloseable {
  private final int threshold;
  private final Path spillDir;
  private final List<SourceEntry> buffer = new ArrayList<>();
  private final List<Path> runs = new ArrayList<>();
  private final List<DataInputStream> open = new ArrayList<>();
  private int size;

  SortedListing(int threshold, Path spillDir) {
    this.threshold = threshold;
    this.spillDir = spillDir;
  }

  void add(SourceEntry e) throws IOException {
    buffer.add(e);
    size++;
    if (buffer.size() >= threshold) {
      spill();
    }
  }

  int size() {
    return size;
  }

  boolean spilled() {
    return !runs.isEmpty();
  }

  private void spill() throws IOException {
    buffer.sort(SourceEntry::compare);
    Files.createDirectories(spillDir);
    Path run = Files.createTempFile(spillDir, "listing-", ".run");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
      for (SourceEntry e : buffer) {
        e.writeTo(out);
      }
    }
    runs.add(run);
    buffer.clear();
  }

  @Override
  public Iterator<SourceEntry> iterator() {
    buffer.sort(SourceEntry::compare);
    if (runs.isEmpty()) {
      return buffer.iterator();
    }
    record Head(SourceEntry entry, int source) {}
    List<Iterator<SourceEntry>> sources = new ArrayList<>();
    for (Path run : runs) {
      sources.add(runIterator(run));
    }
    sources.add(buffer.iterator());
    PriorityQueue<Head> heads =
        new PriorityQueue<>((a, b) -> SourceEntry.compare(a.entry(), b.entry()));
    for (int i = 0; i < sources.size(); i++) {
      if (sources.get(i).hasNext()) {
        heads.add(new Head(sources.get(i).next(), i));
      }
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !heads.isEmpty();
      }

      @Override
      public SourceEntry next() {
        Head h = heads.poll();
        if (h == null) {
          throw new NoSuchElementException();
        }
        Iterator<SourceEntry> src = sources.get(h.source());
        if (src.hasNext()) {
          heads.add(new Head(src.next(), h.source()));
        }
        return h.entry();
      }
    };
  }

  private Iterator<SourceEntry> runIterator(Path run) {
    DataInputStream in;
    try {
      in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    open.add(in);
    return new Iterator<>() {
      private SourceEntry next = read();

      private SourceEntry read() {
        try {
          return SourceEntry.readFrom(in);
        } catch (EOFException eof) {
          return null;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public SourceEntry next() {
        SourceEntry e = next;
        if (e == null) {
          throw new NoSuchElementException();
        }
        next = read();
        return e;
      }
    };
  }

  @Override
  public void close() throws IOException {
    for (DataInputStream in : open) {
      in.close();
    }
    for (Path run : runs) {
      Files.deleteIfExists(run);
    }
  }
}
