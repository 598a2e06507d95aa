package ca.eazybackup.e3.agent.sync;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One local source and the key prefix its files get. With one source, its contents go straight
 * under {@code dest_prefix/} (like {@code rclone sync SRC remote:bucket/prefix}); with several,
 * each goes under its own folder named after the source's last path element ({@code
 * C:\Users\Ann\Documents} → {@code prefix/Documents/...}); a repeated name gets {@code -2}, {@code
 * -3} in the order the job lists the sources, a drive root is named by its letter, a Unix root is
 * {@code root}.
 *
 * @param keyPrefix dest prefix + folder, ending in {@code /} unless empty
 */
record SourceRoot(Path path, String keyPrefix) {

  static List<SourceRoot> layout(List<String> sources, String destPrefix) {
    if (sources.isEmpty()) {
      throw new SyncException("the job has no source path: set source_path or source_paths");
    }
    List<SourceRoot> roots = new ArrayList<>();
    if (sources.size() == 1) {
      roots.add(new SourceRoot(Path.of(sources.get(0)), destPrefix));
      return roots;
    }
    Set<String> used = new HashSet<>();
    for (String source : sources) {
      Path path = Path.of(source);
      String base = folderName(path);
      String name = base;
      for (int n = 2; !used.add(name.toLowerCase(Locale.ROOT)); n++) {
        name = base + "-" + n;
      }
      roots.add(new SourceRoot(path, destPrefix + name + "/"));
    }
    roots.sort((a, b) -> KeyOrder.INSTANCE.compare(a.keyPrefix(), b.keyPrefix()));
    return roots;
  }

  static String folderName(Path path) {
    Path name = path.getFileName();
    if (name != null && !name.toString().isBlank()) {
      return name.toString();
    }
    String text = path.toString().replace("\\", "").replace("/", "").replace(":", "");
    return text.isEmpty() ? "root" : text;
  }
}
