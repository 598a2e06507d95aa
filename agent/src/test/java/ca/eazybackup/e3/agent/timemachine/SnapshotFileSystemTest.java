package ca.eazybackup.e3.agent.timemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.blob.CountingBlobStorage;
import ca.eazybackup.e3.agent.nas.NasEntry;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.nas.NasServer;
import ca.eazybackup.e3.agent.nas.ServedVolume;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot of a generated tree, in a repository on a real S3 server, served read-only over the
 * Cloud NAS WebDAV layer and read with a real WebDAV client (Sardine). Bytes are checked against
 * the generator's manifest and the source files, never against our own reader.
 */
class SnapshotFileSystemTest {
  static final int BIG = 24 << 20;

  @TempDir static Path tmp;
  static FixtureS3 s3;
  static BackedUpRepo repo;
  static TreeManifest manifest;
  static Path source;
  static String snapshotId;
  static Path cache;
  static SnapshotRepository opened;
  static CountingBlobStorage served;
  static NasServer server;
  static ServedVolume volume;
  static String url;
  static Sardine dav;

  @BeforeAll
  static void backUpAndServe() throws Exception {
    s3 = FixtureS3.startOrSkip();
    repo = BackedUpRepo.create(s3, "fs");
    source = tmp.resolve("source");
    TestTree.generate(TreeSpec.small(), 16, source);
    byte[] big = new byte[BIG];
    new Random(7).nextBytes(big);
    Files.createDirectories(source.resolve("big"));
    Files.write(source.resolve("big/large file.bin"), big);
    manifest = TreeManifest.scan(source);
    snapshotId = repo.backup(source, tmp.resolve("spill"));
    cache = tmp.resolve("cache");
    opened = SnapshotRepository.open(repo.storage(), BackedUpRepo.PASSWORD, cache);
    served = repo.counting;
    server = NasServer.start(0);
    volume = server.serve(opened.serve(snapshotId), NasOptions.uncached());
    url = volume.url().toString();
    dav = SardineFactory.begin();
  }

  @AfterAll
  static void stop() throws Exception {
    if (dav != null) {
      dav.shutdown();
    }
    if (volume != null) {
      volume.close();
      server.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static String href(String path) {
    StringBuilder b = new StringBuilder(url);
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(URLEncoder.encode(parts[i], StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  @Test
  void everyFileServedEqualsTheGeneratorsManifest() throws Exception {
    assertThat(manifest.fileCount()).isGreaterThan(30);
    for (TreeManifest.Entry e : manifest.entries()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long n = 0;
      try (InputStream in = dav.get(href(e.path()))) {
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) > 0; ) {
          sha.update(buf, 0, r);
          n += r;
        }
      }
      assertThat(n).as(e.path()).isEqualTo(e.size());
      assertThat(HexFormat.of().formatHex(sha.digest())).as(e.path()).isEqualTo(e.sha256());
    }
  }

  @Test
  void foldersListTheirEntriesWithSizesAndTimes() throws Exception {
    List<DavResource> listed = dav.list(href("docs") + "/", 1);
    List<String> names = new ArrayList<>();
    for (DavResource r : listed.subList(1, listed.size())) {
      names.add(r.getName());
      TreeManifest.Entry e = manifest.entry("docs/" + r.getName()).orElseThrow();
      assertThat(r.getContentLength()).isEqualTo(e.size());
      assertThat(r.getModified().toInstant().getEpochSecond())
          .isEqualTo(
              Files.getLastModifiedTime(source.resolve(e.path())).toInstant().getEpochSecond());
    }
    assertThat(names).hasSize(10).allMatch(n -> n.startsWith("doc "));
    List<DavResource> root = dav.list(url, 1);
    assertThat(root.stream().filter(DavResource::isDirectory).map(DavResource::getName))
        .contains("docs", "data", "media", "big");
  }

  @Test
  void rangedReadsAtRandomOffsetsOfALargeFileAreExact() throws Exception {
    byte[] big = Files.readAllBytes(source.resolve("big/large file.bin"));
    Random rnd = new Random(42);
    for (int i = 0; i < 40; i++) {
      long start = (long) (rnd.nextDouble() * BIG);
      int len = 1 + rnd.nextInt(3 << 20);
      long last = Math.min(BIG - 1, start + len - 1);
      try (InputStream in =
          dav.get(href("big/large file.bin"), Map.of("Range", "bytes=" + start + "-" + last))) {
        byte[] got = in.readAllBytes();
        byte[] want = java.util.Arrays.copyOfRange(big, (int) start, (int) last + 1);
        assertThat(got).as("range %d-%d", start, last).isEqualTo(want);
      }
    }
  }

  @Test
  void aRangedReadFetchesOnlyTheChunksItCovers() throws Exception {
    CountingBlobStorage counter = served;
    long before = counter.stats().bytesRead();
    try (InputStream in =
        dav.get(href("big/large file.bin"), Map.of("Range", "bytes=12000000-12000099"))) {
      assertThat(in.readAllBytes()).hasSize(100);
    }
    long fetched = counter.stats().bytesRead() - before;
    // the chunks around one offset (Kopia's buzhash chunks are at most 2 MiB), the list object
    assertThat(fetched).isGreaterThan(0).isLessThan(BIG / 4);
  }

  @Test
  void everyWriteMethodIsRefusedWith403() {
    String file = href("docs/doc 01.txt");
    List<Executable> writes =
        List.of(
            () -> dav.put(url + "new.txt", "x".getBytes(StandardCharsets.UTF_8)),
            () -> dav.put(file, "x".getBytes(StandardCharsets.UTF_8)),
            () -> dav.delete(file),
            () -> dav.createDirectory(url + "newfolder/"),
            () -> dav.move(file, url + "moved.txt"),
            () -> dav.copy(file, url + "copied.txt"),
            () -> dav.lock(file),
            () -> dav.patch(file, Map.of(new javax.xml.namespace.QName("urn:x", "a", "x"), "b")));
    for (Executable w : writes) {
      assertThatThrownBy(w::execute)
          .isInstanceOf(SardineException.class)
          .satisfies(e -> assertThat(((SardineException) e).getStatusCode()).isEqualTo(403));
    }
    assertThat(manifest.entry("docs/doc 01.txt")).isPresent();
  }

  @Test
  void aSecondListingCostsNoSecondFetch() throws Exception {
    CountingBlobStorage counter = served;
    long before = counter.stats().gets();
    dav.list(href("data/nested/deeper") + "/", 1);
    long first = counter.stats().gets() - before;
    assertThat(first).as("the first listing fetches the folders on the way").isPositive();
    before = counter.stats().gets();
    dav.list(href("data/nested/deeper") + "/", 1);
    assertThat(counter.stats().gets() - before).isZero();

    // a new file system over a newly opened repository on the same cache folder: the folders
    // come from the repository's metadata cache on disk, not from S3
    try (SnapshotFileSystem fs =
        SnapshotRepository.open(repo.storage(), BackedUpRepo.PASSWORD, cache).serve(snapshotId)) {
      CountingBlobStorage fresh = repo.counting;
      long gets = fresh.stats().gets();
      List<NasEntry> entries = fs.list("data/nested/deeper");
      assertThat(entries).hasSize(8);
      assertThat(fresh.stats().gets() - gets).isZero();
    }
  }

  @Test
  void missingPathsAre404AndAMissingSnapshotIsAClearError() throws Exception {
    assertThatThrownBy(() -> dav.get(href("no/such/file.txt")))
        .isInstanceOf(SardineException.class)
        .satisfies(e -> assertThat(((SardineException) e).getStatusCode()).isEqualTo(404));
    assertThat(dav.exists(href("docs/doc 01.txt"))).isTrue();
    assertThatThrownBy(() -> opened.snapshot("0123456789abcdef0123456789abcdef"))
        .isInstanceOf(SnapshotNotFoundException.class)
        .hasMessageContaining("is not in the repository");
  }
}
