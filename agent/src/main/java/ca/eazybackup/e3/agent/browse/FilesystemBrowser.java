package ca.eazybackup.e3.agent.browse;

import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.VolumeInfo;
import ca.eazybackup.e3.shims.WindowsHost;
import ca.eazybackup.e3.shims.WindowsPath;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Answers {@code browse_directory}: the drives when the path is empty, else one folder's entries,
 * folders first then files (each group by name, ignoring case), at most {@value #MAX_ENTRIES} with
 * {@code truncated} and {@code total}. The result follows {@code agent_report_browse.php}.
 *
 * <p>Hostile paths are refused before anything is opened: {@code ..} segments, device namespaces
 * ({@code \\.\}, {@code \\?\}), NUL, alternate data streams and reserved device names (see {@link
 * WindowsPath}). Links (symlinks, and junctions, which Java reports as "other" files) are listed
 * with {@code "link": true}; one whose target leaves the volume or share it sits on is also marked
 * {@code "link_escapes": true} and is never followed: browsing into it, or into any folder whose
 * real location is outside its volume, is refused. Links that stay on their volume are followed. A
 * dangling link counts as escaping. The volume of a native path ({@code /srv/x}) is {@code /}, so
 * there only the path checks apply.
 */
public final class FilesystemBrowser {
  static final int MAX_ENTRIES = 1000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Comparator<Entry> ORDER =
      Comparator.comparing((Entry e) -> !e.directory())
          .thenComparing(Entry::name, String.CASE_INSENSITIVE_ORDER)
          .thenComparing(Entry::name);

  /** Where paths and drives come from: the Windows host, or a bare file system in tests. */
  private interface Source {
    Path resolve(WindowsPath path) throws ShimException;

    List<VolumeInfo> volumes() throws ShimException;
  }

  private final Source source;
  private final String description;

  /** Browses through the host: real Windows, or the simulated host on other systems. */
  public FilesystemBrowser(WindowsHost host) {
    this.source =
        new Source() {
          @Override
          public Path resolve(WindowsPath path) throws ShimException {
            return host.resolve(path.toString());
          }

          @Override
          public List<VolumeInfo> volumes() throws ShimException {
            return host.volumes().list();
          }
        };
    this.description = host.toString();
  }

  /**
   * Browses a file system directly (jimfs in its Windows configuration in tests): paths are looked
   * up as given, the drives are its root directories.
   */
  public FilesystemBrowser(FileSystem fileSystem) {
    this.source =
        new Source() {
          @Override
          public Path resolve(WindowsPath path) {
            return fileSystem.getPath(path.toString());
          }

          @Override
          public List<VolumeInfo> volumes() {
            List<VolumeInfo> out = new ArrayList<>();
            for (Path root : fileSystem.getRootDirectories()) {
              String name = root.toString().replaceAll("[\\\\/]+$", "");
              long size = 0;
              String fs = "";
              try {
                size = Files.getFileStore(root).getTotalSpace();
                fs = Files.getFileStore(root).type();
              } catch (IOException e) {
                // listed without size, as Windows does for a drive that does not answer
              }
              out.add(new VolumeInfo(name, "", size, fs, "fixed", null));
            }
            return out;
          }
        };
    this.description = fileSystem.toString();
  }

  /** The {@code result} object of {@code agent_report_browse.php}. */
  public ObjectNode browse(String path) throws BrowseException {
    if (path == null || path.isBlank()) {
      return drives();
    }
    WindowsPath parsed;
    try {
      parsed = WindowsPath.parse(path);
    } catch (ShimException e) {
      throw new BrowseException("Refused path " + printable(path) + ": " + reason(e));
    }
    return folder(parsed);
  }

  private ObjectNode drives() throws BrowseException {
    List<VolumeInfo> volumes;
    try {
      volumes = source.volumes();
    } catch (ShimException e) {
      throw new BrowseException("Cannot list the drives: " + e.getMessage());
    }
    ArrayNode entries = JSON.arrayNode();
    for (VolumeInfo v : volumes) {
      ObjectNode entry = entries.addObject();
      String name =
          v.path().endsWith("\\") ? v.path().substring(0, v.path().length() - 1) : v.path();
      entry.put("name", name);
      entry.put("path", name + "\\");
      entry.put("type", "drive");
      entry.put("icon", IconHints.ofDrive(v.type()));
      entry.put("size_bytes", v.sizeBytes());
      entry.putNull("modified");
      entry.put("label", v.label());
      entry.put("filesystem", v.fileSystem());
      entry.put("drive_type", v.type());
      entry.put("unc_path", v.uncPath());
      entry.put("is_network", v.isNetwork());
    }
    ObjectNode result = JSON.objectNode();
    result.put("path", "");
    result.putNull("parent");
    result.set("entries", entries);
    result.put("truncated", false);
    result.put("total", entries.size());
    return result;
  }

  private ObjectNode folder(WindowsPath path) throws BrowseException {
    Path dir;
    Path volumeReal;
    try {
      dir = source.resolve(path);
      volumeReal = source.resolve(path.volumeRoot()).toRealPath();
    } catch (ShimException e) {
      throw new BrowseException("Cannot open " + path + ": " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw new BrowseException(
          "Cannot open " + path + ": " + path.volumeRoot() + " does not exist");
    } catch (IOException e) {
      throw new BrowseException("Cannot open " + path + ": " + e.getMessage());
    }
    checkFolder(path, dir, volumeReal);

    List<Entry> all = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        all.add(Entry.of(child, volumeReal));
      }
    } catch (AccessDeniedException e) {
      throw new BrowseException("Access denied to " + path);
    } catch (IOException | RuntimeException e) {
      throw new BrowseException("Cannot list " + path + ": " + e.getMessage());
    }
    all.sort(ORDER);

    ArrayNode entries = JSON.arrayNode();
    for (Entry e : all.subList(0, Math.min(MAX_ENTRIES, all.size()))) {
      e.writeTo(entries.addObject(), path.child(e.name()).toString());
    }
    ObjectNode result = JSON.objectNode();
    result.put("path", path.toString());
    if (path.isRoot()) {
      // A drive or share root goes up to the drive list; the native root has nothing above it.
      if (path.kind() == WindowsPath.Kind.NATIVE) {
        result.putNull("parent");
      } else {
        result.put("parent", "");
      }
    } else {
      result.put("parent", path.parent().orElseThrow().toString());
    }
    result.set("entries", entries);
    result.put("truncated", all.size() > MAX_ENTRIES);
    result.put("total", all.size());
    return result;
  }

  private static void checkFolder(WindowsPath path, Path dir, Path volumeReal)
      throws BrowseException {
    if (!Files.exists(dir)) {
      throw new BrowseException("Folder " + path + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new BrowseException(path + " is a file, not a folder");
    }
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new BrowseException("Cannot open " + path + ": " + e.getMessage());
    }
    if (!real.startsWith(volumeReal)) {
      throw new BrowseException(
          path
              + " goes through a link (symlink or junction) that leads outside "
              + path.volumeRoot()
              + "; such links are listed but not followed");
    }
  }

  private static String reason(ShimException e) {
    // "path 'x' failed: ERROR_INVALID_NAME (123): <system text> <why>" → keep the why readable.
    String message = e.getMessage();
    int colon = message.indexOf("): ");
    return colon < 0 ? message : message.substring(colon + 3);
  }

  private static String printable(String path) {
    return "'" + path.replace("\0", "\\0") + "'";
  }

  @Override
  public String toString() {
    return "FilesystemBrowser[" + description + "]";
  }

  /** One listed entry; attributes read once, without following links. */
  private record Entry(
      String name,
      boolean directory,
      long size,
      FileTime modified,
      boolean link,
      boolean linkEscapes) {

    static Entry of(Path child, Path volumeReal) {
      String name = child.getFileName().toString();
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        return new Entry(name, false, 0, null, false, false);
      }
      boolean link = attrs.isSymbolicLink() || attrs.isOther();
      if (!link) {
        return new Entry(
            name,
            attrs.isDirectory(),
            attrs.isDirectory() ? 0 : attrs.size(),
            attrs.lastModifiedTime(),
            false,
            false);
      }
      try {
        if (!child.toRealPath().startsWith(volumeReal)) {
          return new Entry(name, Files.isDirectory(child), 0, attrs.lastModifiedTime(), true, true);
        }
        // Stays on the volume (also OneDrive placeholders, which are reparse points): show the
        // target's type and size.
        BasicFileAttributes target = Files.readAttributes(child, BasicFileAttributes.class);
        return new Entry(
            name,
            target.isDirectory(),
            target.isDirectory() ? 0 : target.size(),
            target.lastModifiedTime(),
            true,
            false);
      } catch (IOException e) {
        return new Entry(name, false, 0, attrs.lastModifiedTime(), true, true); // dangling
      }
    }

    void writeTo(ObjectNode node, String path) {
      node.put("name", name);
      node.put("path", path);
      node.put("type", directory ? "dir" : "file");
      node.put("icon", IconHints.of(name, directory));
      node.put("size_bytes", size);
      if (modified == null) {
        node.putNull("modified");
      } else {
        node.put("modified", modified.toInstant().truncatedTo(ChronoUnit.SECONDS).toString());
      }
      if (link) {
        node.put("link", true);
        node.put("link_escapes", linkEscapes);
      }
    }
  }
}
