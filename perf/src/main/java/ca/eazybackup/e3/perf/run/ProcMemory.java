package ca.eazybackup.e3.perf.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory from /proc (Linux); 0 where /proc is missing. */
final class ProcMemory {
  private ProcMemory() {}

  /** Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next read is one step's own peak. */
  static void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException e) {
      // not Linux, or not allowed: the peak then covers the JVM's life so far
    }
  }

  static long peakKib() {
    return field("VmHWM:");
  }

  static long rssKib() {
    return field("VmRSS:");
  }

  private static long field(String name) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith(name)) {
          return Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
