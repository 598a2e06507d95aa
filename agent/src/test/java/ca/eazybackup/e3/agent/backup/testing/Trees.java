package ca.eazybackup.e3.agent.backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds test trees and describes them (path → size, mtime, sha256) for byte-identity checks. */
public final class Trees {
  private Trees() {}

  public static void file(Path p, byte[] data, Instant mtime) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, data);
    Files.setLastModifiedTime(p, FileTime.from(mtime));
  }

  public static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A small mixed tree: nested folders, an empty file, an empty folder, a multi-chunk file. */
  public static void sample(Path root, int bigSize) throws IOException {
    Instant t = Instant.parse("2024-05-06T07:08:09.123456789Z");
    file(root.resolve("a.txt"), "alpha".getBytes(), t);
    file(root.resolve("empty.bin"), new byte[0], t.plusSeconds(1));
    file(root.resolve("docs/readme.md"), "# readme\n".getBytes(), t.plusSeconds(2));
    file(root.resolve("docs/deep/x/y/z.dat"), random(70_000, 1), t.plusSeconds(3));
    file(root.resolve("big/blob.bin"), random(bigSize, 2), t.plusSeconds(4));
    Files.createDirectories(root.resolve("emptydir"));
    for (int i = 0; i < 30; i++) {
      file(root.resolve("many/f" + i + ".txt"), ("file " + i).getBytes(), t.plusSeconds(10 + i));
    }
  }

  public static Map<String, String> describe(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(
          p -> {
            try {
              String rel = root.relativize(p).toString().replace('\\', '/');
              if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                out.put(rel + "/", "dir");
              } else if (Files.isSymbolicLink(p)) {
                out.put(rel, "link->" + Files.readSymbolicLink(p));
              } else {
                byte[] d = Files.readAllBytes(p);
                String sha =
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d));
                out.put(rel, d.length + " " + Files.getLastModifiedTime(p).toInstant() + " " + sha);
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
