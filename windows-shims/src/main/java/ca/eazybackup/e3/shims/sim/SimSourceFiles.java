package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.SourceFiles;
import ca.eazybackup.e3.shims.Win32Error;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Share modes on the simulated machine: a file another process holds open without sharing ({@link
 * SimulatedWindowsHost#lockFile}) cannot be opened on its drive - ERROR_SHARING_VIOLATION (32), as
 * Windows answers for an open PST - while its copy in a shadow copy opens fine. Locks live in
 * {@code <root>/locked-files.json} (Windows path → holding process), re-read only when it changes,
 * so the check costs one stat per opened file.
 */
final class SimSourceFiles implements SourceFiles {
  static final String FILE = "locked-files.json";

  private final SimulatedWindowsHost host;
  private final Path drives;
  private String seen;
  private Map<String, String> locks = Map.of();

  SimSourceFiles(SimulatedWindowsHost host) {
    this.host = host;
    this.drives = host.root().resolve("drives").toAbsolutePath().normalize();
  }

  @Override
  public InputStream open(Path path) throws IOException {
    Path abs = path.toAbsolutePath().normalize();
    if (abs.startsWith(drives) && abs.getNameCount() > drives.getNameCount()) {
      String holder = locks().get(windowsKey(abs));
      if (holder != null) {
        host.journal()
            .failed(
                "file.open",
                Win32Error.ERROR_SHARING_VIOLATION.name(),
                Win32Error.ERROR_SHARING_VIOLATION.code(),
                "path",
                windowsPath(abs),
                "held_by",
                holder);
        throw new FileSystemException(
            path.toString(),
            null,
            Win32Error.ERROR_SHARING_VIOLATION.describe() + " (held open by " + holder + ")");
      }
    }
    return Files.newInputStream(path);
  }

  private String windowsPath(Path abs) {
    Path rel = drives.relativize(abs);
    StringBuilder out = new StringBuilder(rel.getName(0).toString().toUpperCase(Locale.ROOT));
    out.append(':');
    for (int i = 1; i < rel.getNameCount(); i++) {
      out.append('\\').append(rel.getName(i));
    }
    return out.toString();
  }

  private String windowsKey(Path abs) {
    return windowsPath(abs).toLowerCase(Locale.ROOT);
  }

  private synchronized Map<String, String> locks() throws IOException {
    Path file = host.root().resolve(FILE);
    if (!Files.exists(file)) {
      seen = null;
      locks = Map.of();
      return locks;
    }
    String modified = Files.getLastModifiedTime(file) + ":" + Files.size(file);
    if (!modified.equals(seen)) {
      Map<String, String> raw =
          SimStore.JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {});
      Map<String, String> byKey = new TreeMap<>();
      raw.forEach((k, v) -> byKey.put(k.replace('/', '\\').toLowerCase(Locale.ROOT), v));
      locks = byKey;
      seen = modified;
    }
    return locks;
  }
}
