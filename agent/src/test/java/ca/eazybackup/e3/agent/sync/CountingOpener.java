package ca.eazybackup.e3.agent.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens files for the engine and counts it; a path can be given a fault: a "locked" file (as
 * Windows reports a sharing violation; root on Linux reads through chmod 000, so permissions can't
 * stage it), or a hook that runs when the file is opened (to modify it mid-upload).
 */
final class CountingOpener implements FileOpener {
  interface OnOpen {
    InputStream open(Path path, int nth) throws IOException;
  }

  final AtomicLong opens = new AtomicLong();
  private final Map<Path, OnOpen> faults = new ConcurrentHashMap<>();
  private final Map<Path, AtomicLong> perPath = new ConcurrentHashMap<>();

  void lock(Path path) {
    faults.put(
        path,
        (p, n) -> {
          throw new java.nio.file.FileSystemException(
              p.toString(), null, "The process cannot access the file because it is being used");
        });
  }

  void onOpen(Path path, OnOpen hook) {
    faults.put(path, hook);
  }

  @Override
  public InputStream open(Path path) throws IOException {
    opens.incrementAndGet();
    int nth = (int) perPath.computeIfAbsent(path, k -> new AtomicLong()).incrementAndGet();
    OnOpen fault = faults.get(path);
    return fault != null ? fault.open(path, nth) : Files.newInputStream(path);
  }
}
