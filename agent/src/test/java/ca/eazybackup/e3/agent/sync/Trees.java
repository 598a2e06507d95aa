package ca.eazybackup.e3.agent.sync;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Deterministic test trees. */
final class Trees {
  private Trees() {}

  /**
   * {@code files} small files (1–16 KiB) spread over a few folders; returns their relative paths.
   */
  static List<String> small(Path root, int files, long seed) throws IOException {
    Random random = new Random(seed);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      String rel = "d" + (i % 5) + "/s" + (i % 3) + "/f" + i + ".bin";
      byte[] data = new byte[1024 + random.nextInt(15 * 1024)];
      random.nextBytes(data);
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.write(p, data);
      Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L + i * 1000L + 123));
      paths.add(rel);
    }
    return paths;
  }

  /** A file of {@code size} bytes whose every MiB differs (so misplaced parts would show). */
  static Path big(Path file, long size, long seed) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] block = new byte[1 << 20];
    new Random(seed).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      long written = 0;
      int n = 0;
      while (written < size) {
        block[0] = (byte) n;
        block[1] = (byte) (n >> 8);
        n++;
        int len = (int) Math.min(block.length, size - written);
        out.write(block, 0, len);
        written += len;
      }
    }
    return file;
  }

  static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
