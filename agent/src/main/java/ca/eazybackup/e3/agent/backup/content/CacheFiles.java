package ca.eazybackup.e3.agent.backup.content;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * Writes a local cache file whole or not at all: a crash or a concurrent reader never sees half a
 * blob, and two writers of the same blob (same id, same bytes) just replace each other.
 */
public final class CacheFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private CacheFiles() {}

  public static void writeAtomically(Path target, byte[] body) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp" + RANDOM.nextInt(1 << 30));
    try {
      Files.write(tmp, body);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }
}
