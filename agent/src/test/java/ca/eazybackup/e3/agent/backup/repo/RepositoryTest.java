package ca.eazybackup.e3.agent.backup.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.CountingBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FaultInjectingBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.content.ContentCorruptedException;
import ca.eazybackup.e3.agent.backup.content.ContentNotFoundException;
import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.crypto.FormatBlobCrypto;
import ca.eazybackup.e3.agent.backup.crypto.KeyDerivation;
import ca.eazybackup.e3.agent.backup.format.FormatBlob;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
  private static final String PASSWORD = "correct horse";

  @TempDir Path dir;
  @TempDir Path cache;

  private static List<String> blobIds(ca.eazybackup.e3.agent.backup.blob.BlobStorage st)
      throws IOException {
    List<String> ids = new ArrayList<>();
    st.list("", m -> ids.add(m.blobId()));
    ids.sort(null);
    return ids;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void createWritesFormatBlobsThatReopenWithTheSameIdentityAndOptions() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    String uid;
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      uid = r.uniqueIdHex();
    }
    assertThat(blobIds(st)).containsExactly("kopia.blobcfg", "kopia.repository");
    assertThat(Repository.exists(st)).isTrue();
    try (Repository r = Repository.open(st, PASSWORD, cache)) {
      assertThat(r.uniqueIdHex()).isEqualTo(uid).hasSize(64);
      assertThat(r.splitter()).isEqualTo("DYNAMIC-4M-BUZHASH");
      assertThat(r.hashAlgorithm()).isEqualTo("BLAKE2B-256-128");
      assertThat(r.encryptionAlgorithm()).isEqualTo("AES256-GCM-HMAC-SHA256");
      assertThat(r.formatVersion()).isEqualTo(2);
    }
    assertThatThrownBy(() -> Repository.create(st, PASSWORD, RepositoryOptions.defaults()))
        .isInstanceOf(RepositoryException.class)
        .hasMessageContaining("already initialized");
  }

  // Kopia's format (kopia repo/format_block.go, content_formatting_options.go): outer fields and
  // the decrypted inner {"format":{...}} a Kopia 0.10 client expects.
  @Test
  void formatBlobHasKopiasOuterAndInnerFields() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    Repository.create(st, PASSWORD, RepositoryOptions.defaults()).close();
    byte[] raw = st.get("kopia.repository", 0, -1);
    ObjectMapper json = new ObjectMapper();
    ObjectNode outer = (ObjectNode) json.readTree(raw);
    assertThat(outer.fieldNames())
        .toIterable()
        .contains(
            "tool",
            "buildVersion",
            "buildInfo",
            "uniqueID",
            "keyAlgo",
            "encryption",
            "encryptedBlockFormat");
    assertThat(outer.get("keyAlgo").asText()).isEqualTo("scrypt-65536-8-1");
    assertThat(outer.get("encryption").asText()).isEqualTo("AES256_GCM");
    assertThat(new String(raw, StandardCharsets.UTF_8))
        .startsWith("{\n  \"tool\": ")
        .endsWith("}\n");
    FormatBlob fb = json.readValue(raw, FormatBlob.class);
    byte[] fk = KeyDerivation.formatKey("scrypt-65536-8-1", PASSWORD, fb.uniqueId());
    ObjectNode inner =
        (ObjectNode)
            json.readTree(
                new FormatBlobCrypto(fk, fb.uniqueId()).decrypt(fb.encryptedBlockFormat()));
    ObjectNode f = (ObjectNode) inner.get("format");
    assertThat(f.get("version").asInt()).isEqualTo(2);
    assertThat(f.get("indexVersion").asInt()).isEqualTo(2);
    assertThat(f.get("maxPackSize").asInt()).isEqualTo(20971520);
    assertThat(f.get("enablePasswordChange").asBoolean()).isTrue();
    assertThat(f.get("secret").binaryValue()).hasSize(32);
    assertThat(f.get("masterKey").binaryValue()).hasSize(32);
    assertThat(f.get("epochParameters").get("Enabled").asBoolean()).isTrue();
    assertThat(f.get("epochParameters").get("EpochRefreshFrequency").asLong())
        .isEqualTo(1_200_000_000_000L);
    assertThat(f.has("upgradeLock")).isFalse();
    byte[] blobCfg = st.get("kopia.blobcfg", 0, -1);
    assertThat(
            new String(
                new FormatBlobCrypto(fk, fb.uniqueId()).decrypt(blobCfg),
                StandardCharsets.US_ASCII))
        .isEqualTo("{}");
  }

  @Test
  void wrongPasswordIsAClearErrorAndWritesNothing() throws Exception {
    FilesystemBlobStorage fs = FilesystemBlobStorage.open(dir);
    Repository.create(fs, PASSWORD, RepositoryOptions.defaults()).close();
    CountingBlobStorage st = new CountingBlobStorage(fs);
    assertThatThrownBy(() -> Repository.open(st, "wrong", cache))
        .isInstanceOf(RepositoryException.class)
        .hasMessage("invalid repository password");
    assertThat(st.stats().puts()).isZero();
    assertThat(st.stats().deletes()).isZero();
  }

  @Test
  void missingRepositoryAndUnsupportedFormatVersionAreClearErrors() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    assertThatThrownBy(() -> Repository.open(st, PASSWORD, cache))
        .isInstanceOf(RepositoryException.class)
        .hasMessageContaining("kopia.repository not found");
    // a repository whose inner format says version 3 (Kopia ≥ 0.11)
    Repository.create(st, PASSWORD, RepositoryOptions.defaults()).close();
    ObjectMapper json = new ObjectMapper();
    byte[] raw = st.get("kopia.repository", 0, -1);
    ObjectNode outer = (ObjectNode) json.readTree(raw);
    FormatBlob fb = json.readValue(raw, FormatBlob.class);
    byte[] fk = KeyDerivation.formatKey("scrypt-65536-8-1", PASSWORD, fb.uniqueId());
    FormatBlobCrypto crypto = new FormatBlobCrypto(fk, fb.uniqueId());
    ObjectNode inner = (ObjectNode) json.readTree(crypto.decrypt(fb.encryptedBlockFormat()));
    ((ObjectNode) inner.get("format")).put("version", 3);
    outer.put("encryptedBlockFormat", crypto.encrypt(json.writeValueAsBytes(inner)));
    st.put("kopia.repository", json.writeValueAsBytes(outer));
    assertThatThrownBy(() -> Repository.open(st, PASSWORD, cache))
        .isInstanceOf(RepositoryException.class)
        .hasMessageContaining("unsupported repository format version 3");
  }

  @Test
  void flushedContentsAreSeenByANewOpenAndDeduplicated() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    List<ContentId> ids = new ArrayList<>();
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      ContentStore cs = r.contents();
      for (int i = 0; i < 50; i++) {
        byte[] d = random(1000 + i, i);
        ids.add(cs.write(d, 0, d.length, "", "zstd"));
      }
      byte[] dir1 = "{\"stream\":\"kopia:directory\"}".getBytes(StandardCharsets.UTF_8);
      ids.add(cs.write(dir1, 0, dir1.length, "k", "none"));
      assertThat(cs.read(ids.get(3))).isEqualTo(random(1003, 3)); // from the open pack
      cs.flush();
    }
    List<String> blobs = blobIds(st);
    assertThat(blobs).filteredOn(b -> b.startsWith("p")).hasSize(1);
    assertThat(blobs).filteredOn(b -> b.startsWith("q")).hasSize(1);
    assertThat(blobs).filteredOn(b -> b.matches("xn0_[0-9a-f]{32}-s[0-9a-f]+-c1")).hasSize(1);
    assertThat(blobs).noneMatch(b -> b.startsWith("s")); // session marker removed after commit
    CountingBlobStorage counting = new CountingBlobStorage(st);
    try (Repository r = Repository.open(counting, PASSWORD, cache)) {
      ContentStore cs = r.contents();
      for (int i = 0; i < 50; i++) {
        assertThat(cs.read(ids.get(i))).isEqualTo(random(1000 + i, i));
        byte[] d = random(1000 + i, i);
        assertThat(cs.write(d, 0, d.length, "", "zstd")).isEqualTo(ids.get(i));
      }
      assertThat(ids.get(50).value()).startsWith("k");
      List<ContentInfo> ks = new ArrayList<>();
      cs.list("k", ks::add);
      assertThat(ks).extracting(ContentInfo::id).containsExactly(ids.get(50));
    }
    assertThat(counting.stats().puts()).isZero(); // everything deduplicated, nothing to flush
  }

  @Test
  void indexBlobsAreCachedSoASecondOpenDoesNotDownloadThem() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      r.contents().write(new byte[] {1, 2, 3}, 0, 3, "", "none");
    }
    Repository.open(st, PASSWORD, cache).close();
    CountingBlobStorage counting = new CountingBlobStorage(st);
    Repository.open(counting, PASSWORD, cache).close();
    assertThat(counting.stats().gets()).isEqualTo(2); // kopia.repository + kopia.blobcfg only
  }

  @Test
  void openKeepsTheFormatBlobInItsCacheSoTheNextRunCanDeriveTheKeyAhead() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    String uid;
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      uid = r.uniqueIdHex();
    }
    Repository.open(st, PASSWORD, cache).close();
    Path kept = cache.resolve("kopia.repository");
    assertThat(kept).hasBinaryContent(st.get("kopia.repository", 0, -1));
    // a head start, then the open that uses it; a stale or foreign cached blob only costs CPU
    Repository.deriveKeyAhead(cache, PASSWORD);
    try (Repository r = Repository.open(st, PASSWORD, cache)) {
      assertThat(r.uniqueIdHex()).isEqualTo(uid);
    }
    java.nio.file.Files.writeString(kept, "{\"uniqueID\":\"AAAA\"}");
    Repository.deriveKeyAhead(cache, PASSWORD);
    Repository.deriveKeyAhead(cache, "another password");
    try (Repository r = Repository.open(st, PASSWORD, cache)) {
      assertThat(r.uniqueIdHex()).isEqualTo(uid);
    }
    assertThat(kept).hasBinaryContent(st.get("kopia.repository", 0, -1));
  }

  @Test
  void corruptedPackFailsTheReadNamingTheContent() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    byte[] data = random(5000, 1);
    ContentId id;
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      id = r.contents().write(data, 0, data.length, "", "none");
    }
    FaultInjectingBlobStorage flipping =
        new FaultInjectingBlobStorage(st)
            .corruptReads(
                b -> b.startsWith("p"),
                b -> {
                  b[b.length / 2] ^= 0x01;
                  return b;
                });
    try (Repository r = Repository.open(flipping, PASSWORD, null)) {
      assertThatThrownBy(() -> r.contents().read(id))
          .isInstanceOf(ContentCorruptedException.class)
          .hasMessageContaining(id.value());
    }
  }

  @Test
  void concurrentWritersDeduplicateAndSpillAcrossPacks() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    RepositoryOptions small =
        new RepositoryOptions(
            "BLAKE2B-256-128",
            "CHACHA20-POLY1305-HMAC-SHA256",
            "DYNAMIC-4M-BUZHASH",
            10 << 20,
            "none");
    Set<ContentId> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      chunks.add(random(128 * 1024, i));
    }
    try (Repository r = Repository.create(st, PASSWORD, small)) {
      ContentStore cs = r.contents();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 120; i++) {
                    byte[] d = chunks.get(i); // every thread writes the same 120 contents
                    written.add(cs.write(d, 0, d.length, "", "none"));
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      cs.flush();
    }
    assertThat(written).hasSize(120);
    List<BlobMetadata> packs = new ArrayList<>();
    st.list("p", packs::add);
    long packBytes = packs.stream().mapToLong(BlobMetadata::length).sum();
    assertThat(packs).hasSize(2); // 15 MiB of unique data in 10 MiB packs
    assertThat(packBytes).isLessThan(120L * (128 * 1024 + 28) + 2 * (4096 + 32 + 16 * 1024));
    try (Repository r = Repository.open(st, PASSWORD, cache)) {
      for (int i = 0; i < 120; i++) {
        byte[] d = chunks.get(i);
        ContentId id = r.contents().write(d, 0, d.length, "", "none"); // dedup: returns the id
        assertThat(written).contains(id);
        assertThat(r.contents().read(id)).isEqualTo(d);
      }
    }
  }

  @Test
  void compressorsWeCannotRunFallBackToZstdAndUnknownOnesAreRejected() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    byte[] text =
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .repeat(100)
            .getBytes(StandardCharsets.US_ASCII);
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      ContentId id = r.contents().write(text, 0, text.length, "", "s2-default");
      List<ContentInfo> infos = new ArrayList<>();
      r.contents().list("", infos::add);
      assertThat(infos)
          .singleElement()
          .extracting(ContentInfo::compressionHeaderId)
          .isEqualTo(0x1100);
      assertThat(r.contents().read(id)).isEqualTo(text);
      assertThatThrownBy(() -> r.contents().write(new byte[] {9}, 0, 1, "", "brotli"))
          .hasMessageContaining("unknown compressor: brotli");
    }
  }

  @Test
  void deletedContentDisappearsAfterFlushAndReopen() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    ContentId keep;
    ContentId gone;
    try (Repository r = Repository.create(st, PASSWORD, RepositoryOptions.defaults())) {
      keep = r.contents().write(new byte[] {1}, 0, 1, "m", "none");
      gone = r.contents().write(new byte[] {2}, 0, 1, "m", "none");
      r.contents().flush();
      r.contents().delete(gone);
      assertThat(r.contents().exists(gone)).isFalse();
    }
    try (Repository r = Repository.open(st, PASSWORD, cache)) {
      assertThat(r.contents().exists(keep)).isTrue();
      assertThat(r.contents().exists(gone)).isFalse();
      assertThatThrownBy(() -> r.contents().read(gone))
          .isInstanceOf(ContentNotFoundException.class);
      List<ContentId> ms = new ArrayList<>();
      r.contents().list("m", c -> ms.add(c.id()));
      assertThat(ms).containsExactly(keep);
    }
  }

  @Test
  void failedPackUploadFailsFlushAndWritesNoIndexNamingIt() throws Exception {
    FilesystemBlobStorage fs = FilesystemBlobStorage.open(dir);
    Repository.create(fs, PASSWORD, RepositoryOptions.defaults()).close();
    FaultInjectingBlobStorage st =
        new FaultInjectingBlobStorage(fs)
            .fail(
                FaultInjectingBlobStorage.Op.PUT,
                b -> b.startsWith("p"),
                1,
                new IOException("disk full"));
    byte[] d = random(100, 9);
    try (Repository r = Repository.open(st, PASSWORD, cache)) {
      r.contents().write(d, 0, d.length, "", "none");
      assertThatThrownBy(() -> r.contents().flush()).hasMessageContaining("disk full");
      assertThat(blobIds(fs)).noneMatch(b -> b.startsWith("xn"));
      ContentId id = r.contents().write(d, 0, d.length, "", "none"); // retried by the next write
      r.contents().flush();
      assertThat(r.contents().read(id)).isEqualTo(d);
    }
    Set<String> packsNamed = new HashSet<>();
    try (Repository r = Repository.open(fs, PASSWORD, null)) {
      r.contents().list("", c -> packsNamed.add(c.packBlobId()));
    }
    List<String> packs = blobIds(fs).stream().filter(b -> b.startsWith("p")).toList();
    assertThat(packs).containsAll(packsNamed);
  }
}
