package ca.eazybackup.e3.perf.poll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of another process from Linux's /proc, in total and per thread group
 * (thread names without their numbers: Jetty's request threads, C2 compiler, GC, ...), so the
 * report shows how much of the server's CPU went to requests rather than JIT or GC.
 */
final class CpuClock {
  private final Path proc;
  private final double ticksPerSecond;

  CpuClock(long pid, long ticksPerSecond) {
    this.proc = Path.of("/proc", Long.toString(pid));
    this.ticksPerSecond = ticksPerSecond;
  }

  double seconds() {
    try {
      return ticks(Files.readString(proc.resolve("stat"))) / ticksPerSecond;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + proc.resolve("stat"), e);
    }
  }

  /** Seconds of CPU per thread group so far (threads that ended are missing). */
  Map<String, Double> byThreadGroup() {
    Map<String, Double> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(t.resolve("comm")).strip().replaceAll("[-#_ ]?\\d+$", "");
          out.merge(name, ticks(Files.readString(t.resolve("stat"))) / ticksPerSecond, Double::sum);
        } catch (IOException gone) {
          // the thread ended meanwhile (ENOENT or ESRCH)
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + proc.resolve("task"), e);
    }
    return out;
  }

  /** utime + stime: fields 14 and 15, counted after "(comm)" since comm may hold spaces. */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
