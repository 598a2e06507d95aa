package ca.eazybackup.e3.agent.backup.content;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.CountingBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KopiaContentStoreTest {
  @TempDir Path dir;

  private final HashFunction hash = Hashing.create("HMAC-SHA256-128", new byte[32]);
  private final ContentEncryptor enc =
      Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, new byte[32]);

  private KopiaContentStore open(BlobStorage storage, int maxPack, Path cache) throws Exception {
    return KopiaContentStore.open(
        storage, hash, enc, new KopiaContentStore.Settings(2, 2, maxPack, true, 2, cache));
  }

  private static List<String> blobs(BlobStorage s, String prefix) throws Exception {
    List<String> ids = new ArrayList<>();
    s.list(prefix, m -> ids.add(m.blobId()));
    return ids;
  }

  @Test
  void manyNewContentsGoToIndexBlobsDuringTheRunNamingOnlyStoredPacks() throws Exception {
    BlobStorage storage = FilesystemBlobStorage.open(dir.resolve("repo"));
    List<ContentId> ids = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    Random rnd = new Random(3);
    try (KopiaContentStore store = open(storage, 64 * 1024, null)) {
      store.durableIndexThreshold(20);
      for (int i = 0; i < 300; i++) {
        byte[] d = new byte[4096];
        rnd.nextBytes(d);
        data.add(d);
        ids.add(store.write(d, 0, d.length, "", "none"));
      }
      // Before any flush: index blobs exist, and a fresh reader can read every content they name.
      List<String> indexes = blobs(storage, "xn");
      assertThat(indexes).isNotEmpty();
      try (KopiaContentStore reader = open(storage, 64 * 1024, null)) {
        List<ContentInfo> named = new ArrayList<>();
        reader.list("", named::add);
        assertThat(named).isNotEmpty().hasSizeLessThan(300);
        for (ContentInfo c : named) {
          assertThat(storage.stat(c.packBlobId())).isPresent();
          assertThat(reader.read(c.id())).isEqualTo(data.get(ids.indexOf(c.id())));
        }
      }
      store.flush();
    }
    try (KopiaContentStore reader = open(storage, 64 * 1024, null)) {
      for (int i = 0; i < ids.size(); i++) {
        assertThat(reader.read(ids.get(i))).isEqualTo(data.get(i));
      }
      List<ContentInfo> all = new ArrayList<>();
      reader.list("", all::add);
      assertThat(all).hasSize(300);
    }
  }

  @Test
  void metadataIsReadFromTheLocalCacheAndAStaleCopyIsReplaced() throws Exception {
    CountingBlobStorage storage =
        new CountingBlobStorage(FilesystemBlobStorage.open(dir.resolve("repo")));
    Path cache = dir.resolve("cache");
    byte[] dirJson = "{\"stream\":\"kopia:directory\"}".getBytes(StandardCharsets.UTF_8);
    ContentId id;
    try (KopiaContentStore store = open(storage, 1 << 20, cache)) {
      id = store.write(dirJson, 0, dirJson.length, "k", "none");
      store.flush();
    }
    List<Path> cached;
    try (Stream<Path> s = Files.walk(cache.resolve("metadata"))) {
      cached = s.filter(Files::isRegularFile).toList();
    }
    assertThat(cached).hasSize(1);

    try (KopiaContentStore store = open(storage, 1 << 20, cache)) {
      long packGets = packGets(storage);
      assertThat(store.read(id)).isEqualTo(dirJson);
      assertThat(packGets(storage)).isEqualTo(packGets);

      Files.write(cached.get(0), new byte[] {1, 2, 3}); // damaged copy
      assertThat(store.read(id)).isEqualTo(dirJson);
      assertThat(packGets(storage)).isEqualTo(packGets + 1);
      assertThat(Files.size(cached.get(0))).isGreaterThan(3);
    }
  }

  private static long packGets(CountingBlobStorage s) {
    return s.stats().gets();
  }
}
