package ca.eazybackup.e3.agent.timemachine;

import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.browse.IconHints;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Time Machine's file browser: one folder of one snapshot, in the shape {@code browse_directory}
 * reports ({@code agent_report_browse}): folders first, then files, each by name; at most {@link
 * #PAGE} entries from {@code offset}, with {@code total} and {@code truncated} so the addon asks
 * for the next page. Paths are {@code /}-separated inside the snapshot, {@code ""} for its root.
 */
public final class SnapshotBrowser {
  /** Entries per page, as {@code browse_directory}. */
  public static final int PAGE = 1000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SnapshotBrowser() {}

  /**
   * The page of folder {@code path} of {@code snapshot} starting at entry {@code offset}.
   *
   * @throws NoSuchFileException when nothing is at {@code path}
   * @throws NotDirectoryException when {@code path} is a file
   */
  public static ObjectNode browse(
      ObjectManager objects, SnapshotManifest snapshot, String path, int offset)
      throws IOException {
    String clean = normalise(path);
    DirEntry folder = snapshot.rootEntry();
    for (String segment : clean.isEmpty() ? new String[0] : clean.split("/")) {
      DirEntry next = null;
      if (folder.isDirectory()) {
        try (DirectoryReader r = DirectoryReader.open(objects, folder.obj())) {
          for (DirEntry e = r.next(); e != null; e = r.next()) {
            if (e.name().equals(segment)) {
              next = e;
              break;
            }
          }
        }
      }
      if (next == null) {
        throw new NoSuchFileException("/" + clean, null, "not in snapshot " + snapshot.id());
      }
      folder = next;
    }
    if (!folder.isDirectory()) {
      throw new NotDirectoryException("/" + clean);
    }
    List<DirEntry> entries = new ArrayList<>(DirectoryReader.readAll(objects, folder.obj()));
    entries.removeIf(DirEntry::isSymlink);
    entries.sort(
        (a, b) -> DirEntry.compareOrder(a.isDirectory(), a.name(), b.isDirectory(), b.name()));
    int from = Math.max(0, Math.min(offset, entries.size()));
    int to = Math.min(entries.size(), from + PAGE);
    ObjectNode result = JSON.objectNode();
    result.put("snapshot_id", snapshot.id());
    result.put("path", clean);
    if (clean.isEmpty()) {
      result.putNull("parent");
    } else {
      int slash = clean.lastIndexOf('/');
      result.put("parent", slash < 0 ? "" : clean.substring(0, slash));
    }
    ArrayNode out = result.putArray("entries");
    for (DirEntry e : entries.subList(from, to)) {
      ObjectNode n = out.addObject();
      n.put("name", e.name());
      n.put("path", clean.isEmpty() ? e.name() : clean + "/" + e.name());
      n.put("type", e.isDirectory() ? "dir" : "file");
      n.put("icon", IconHints.of(e.name(), e.isDirectory()));
      long size = e.isDirectory() ? (e.summary() == null ? 0 : e.summary().size()) : e.size();
      n.put("size_bytes", size);
      if (e.mtime() == null) {
        n.putNull("modified");
      } else {
        n.put("modified", e.mtime().truncatedTo(ChronoUnit.SECONDS).toString());
      }
    }
    result.put("offset", from);
    result.put("total", entries.size());
    result.put("truncated", to < entries.size());
    return result;
  }

  /** {@code /a//b/} → {@code a/b}; {@code \} accepted as a separator (Windows callers). */
  static String normalise(String path) {
    if (path == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (String s : path.replace('\\', '/').split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new IllegalArgumentException("'..' is not allowed in a snapshot path: " + path);
      }
      parts.add(s);
    }
    return String.join("/", parts);
  }
}
