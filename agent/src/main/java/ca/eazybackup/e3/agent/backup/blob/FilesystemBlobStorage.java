package ca.eazybackup.e3.agent.backup.blob;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Blobs as files in Kopia's sharded layout (kopia repo/blob/sharded, repo/blob/filesystem): ids
 * longer than {@code maxNonShardedLength} go into nested directories named by their leading
 * characters, files end in {@code .f}, {@code .shards} records the layout, writes go through a
 * {@code .tmp.<hex>} file that is synced before the rename (and the folder after it), so a reader
 * never sees half a blob and a crash never leaves one.
 */
public final class FilesystemBlobStorage implements BlobStorage {
  static final String SHARDS_FILE = ".shards";
  private static final String SUFFIX = ".f";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final Path root;
  private final int[] shards;
  private final int unshardedLength;
  private final Durability durability;

  /**
   * How writes are made durable: the file's data before its rename, the folder's entry after it.
   * Tests observe the order through their own; production uses {@link #REAL}.
   */
  interface Durability {
    void syncFile(FileChannel ch, Path file) throws IOException;

    void syncDirectory(Path dir) throws IOException;
  }

  static final Durability REAL =
      new Durability() {
        @Override
        public void syncFile(FileChannel ch, Path file) throws IOException {
          ch.force(true);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
          FilesystemBlobStorage.syncDirectory(dir);
        }
      };

  private FilesystemBlobStorage(
      Path root, int[] shards, int unshardedLength, Durability durability) {
    this.root = root;
    this.shards = shards;
    this.unshardedLength = unshardedLength;
    this.durability = durability;
  }

  /**
   * Opens {@code root}, creating it if needed. A directory without {@code .shards} gets Kopia's
   * defaults: [1,3] when new, [3,3] when it already holds blobs (Kopia 0.8 layout).
   */
  public static FilesystemBlobStorage open(Path root) throws IOException {
    return open(root, REAL);
  }

  static FilesystemBlobStorage open(Path root, Durability durability) throws IOException {
    Files.createDirectories(root);
    Path shardsFile = root.resolve(SHARDS_FILE);
    if (Files.exists(shardsFile)) {
      JsonNode n = JSON.readTree(Files.readAllBytes(shardsFile));
      JsonNode d = n.path("default");
      int[] s = new int[d.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = d.get(i).asInt();
      }
      return new FilesystemBlobStorage(
          root, s, n.path("maxNonShardedLength").asInt(20), durability);
    }
    boolean empty;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      empty = !ds.iterator().hasNext();
    }
    int[] s = empty ? new int[] {1, 3} : new int[] {3, 3};
    FilesystemBlobStorage st = new FilesystemBlobStorage(root, s, 20, durability);
    com.fasterxml.jackson.databind.node.ObjectNode json = JSON.createObjectNode();
    json.putArray("default").add(s[0]).add(s[1]);
    json.put("maxNonShardedLength", 20);
    st.writeAtomically(shardsFile, (JSON.writeValueAsString(json) + "\n").getBytes(UTF_8));
    return st;
  }

  Path pathOf(String blobId) {
    if (blobId.isEmpty()
        || blobId.contains("/")
        || blobId.contains("\\")
        || blobId.startsWith(".")) {
      throw new IllegalArgumentException("invalid blob id: " + blobId);
    }
    Path dir = root;
    String rest = blobId;
    if (blobId.length() > unshardedLength) {
      for (int size : shards) {
        if (rest.length() <= size) {
          break;
        }
        dir = dir.resolve(rest.substring(0, size));
        rest = rest.substring(size);
      }
    }
    return dir.resolve(rest + SUFFIX);
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    Path p = pathOf(blobId);
    try {
      if (offset == 0 && length < 0) {
        return Files.readAllBytes(p);
      }
      try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ)) {
        long size = ch.size();
        long len = length < 0 ? size - offset : length;
        if (offset < 0 || offset + len > size) {
          throw new IOException(
              "range " + offset + "+" + len + " outside blob " + blobId + " of " + size + " bytes");
        }
        ch.position(offset);
        try (InputStream in = java.nio.channels.Channels.newInputStream(ch)) {
          return in.readNBytes((int) len);
        }
      }
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(blobId);
    }
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    Path p = pathOf(blobId);
    createShardDirectories(p.getParent());
    writeAtomically(p, data);
  }

  /**
   * Temp file, fsync, rename, fsync of the folder: once this returns the blob survives a power cut
   * (a rename alone may be reordered before the data reaches the disk, leaving an empty or torn
   * file under the final name after a crash).
   */
  private void writeAtomically(Path target, byte[] data) throws IOException {
    byte[] rnd = new byte[8];
    RANDOM.nextBytes(rnd);
    Path tmp =
        target.resolveSibling(target.getFileName() + ".tmp." + HexFormat.of().formatHex(rnd));
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        durability.syncFile(ch, tmp);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      durability.syncDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates missing shard folders, each one's entry synced in its parent like a blob's. */
  private void createShardDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    createShardDirectories(dir.getParent());
    try {
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return; // another writer made it
    }
    durability.syncDirectory(dir.getParent());
  }

  /** Makes a rename in {@code dir} durable; folders cannot be opened for sync on Windows. */
  static void syncDirectory(Path dir) throws IOException {
    if (WINDOWS) {
      return; // NTFS journals the rename itself; a folder handle cannot be opened this way
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public void delete(String blobId) throws IOException {
    Files.deleteIfExists(pathOf(blobId));
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    walk(root, "", prefix, each);
  }

  private void walk(Path dir, String currentPrefix, String prefix, Consumer<BlobMetadata> each)
      throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(children::add);
    } catch (NoSuchFileException e) {
      return;
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(child, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        continue; // deleted while listing
      }
      if (a.isDirectory()) {
        String np = currentPrefix + name;
        boolean match =
            prefix.length() > np.length() ? prefix.startsWith(np) : np.startsWith(prefix);
        if (match) {
          walk(child, np, prefix, each);
        }
        continue;
      }
      if (!name.endsWith(SUFFIX) || name.startsWith(".")) {
        continue;
      }
      String id = currentPrefix + name.substring(0, name.length() - SUFFIX.length());
      if (id.startsWith(prefix)) {
        each.accept(new BlobMetadata(id, a.size(), a.lastModifiedTime().toInstant()));
      }
    }
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(pathOf(blobId), BasicFileAttributes.class);
      return Optional.of(new BlobMetadata(blobId, a.size(), a.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "filesystem:" + root;
  }
}
