package ca.eazybackup.e3.agent.backup.blob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Blobs as files in Kopia's sharded layout (kopia repo/blob/sharded, repo/blob/filesystem): ids
 * longer than {@code maxNonShardedLength} go into nested directories named by their leading
 * characters, files end in {@code .f}, {@code .shards} records the layout, writes go through a
 * {@code .tmp.<hex>} file and a rename so a reader never sees half a blob.
 */
public final class FilesystemBlobStorage implements BlobStorage {
  static final String SHARDS_FILE = ".shards";
  private static final String SUFFIX = ".f";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final int[] shards;
  private final int unshardedLength;

  private FilesystemBlobStorage(Path root, int[] shards, int unshardedLength) {
    this.root = root;
    this.shards = shards;
    this.unshardedLength = unshardedLength;
  }

  /**
   * Opens {@code root}, creating it if needed. A directory without {@code .shards} gets Kopia's
   * defaults: [1,3] when new, [3,3] when it already holds blobs (Kopia 0.8 layout).
   */
  public static FilesystemBlobStorage open(Path root) throws IOException {
    Files.createDirectories(root);
    Path shardsFile = root.resolve(SHARDS_FILE);
    if (Files.exists(shardsFile)) {
      JsonNode n = JSON.readTree(Files.readAllBytes(shardsFile));
      JsonNode d = n.path("default");
      int[] s = new int[d.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = d.get(i).asInt();
      }
      return new FilesystemBlobStorage(root, s, n.path("maxNonShardedLength").asInt(20));
    }
    boolean empty;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      empty = !ds.iterator().hasNext();
    }
    int[] s = empty ? new int[] {1, 3} : new int[] {3, 3};
    FilesystemBlobStorage st = new FilesystemBlobStorage(root, s, 20);
    String json = "{\"default\":[" + s[0] + "," + s[1] + "],\"maxNonShardedLength\":20}\n";
    st.writeAtomically(shardsFile, json.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
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
    Files.createDirectories(p.getParent());
    writeAtomically(p, data);
  }

  private void writeAtomically(Path target, byte[] data) throws IOException {
    byte[] rnd = new byte[8];
    RANDOM.nextBytes(rnd);
    Path tmp =
        target.resolveSibling(target.getFileName() + ".tmp." + HexFormat.of().formatHex(rnd));
    try {
      Files.write(tmp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
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
