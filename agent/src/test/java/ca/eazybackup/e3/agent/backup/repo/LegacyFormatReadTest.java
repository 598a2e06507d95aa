package ca.eazybackup.e3.agent.backup.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import ca.eazybackup.e3.agent.backup.format.ContentFormat;
import ca.eazybackup.e3.agent.backup.format.EpochParameters;
import ca.eazybackup.e3.agent.backup.format.RepositoryFormat;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.index.IndexBuilder;
import ca.eazybackup.e3.agent.backup.pack.PackBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format-version-1 repository (Kopia ≤ 0.8: index v1, legacy n/m index blobs) built here blob by
 * blob from the spec, independently of the content store's write path (kopia
 * repo/content/index_blob_manager_v0.go, index_v1.go, blob_crypto.go).
 */
class LegacyFormatReadTest {
  @TempDir Path dir;

  @Test
  void readsIndexV1ThroughLegacyIndexBlobsHonouringCompactionLogs() throws Exception {
    FilesystemBlobStorage st = FilesystemBlobStorage.open(dir);
    byte[] secret = RepositoryFormat.random(32);
    byte[] master = RepositoryFormat.random(32);
    ContentFormat cf =
        new ContentFormat(
            "BLAKE2B-256-128",
            "AES256-GCM-HMAC-SHA256",
            secret,
            master,
            1,
            0,
            0,
            EpochParameters.disabled(),
            false,
            null,
            "");
    RepositoryFormat rf = RepositoryFormat.create(cf, "pw", "v0.8.4");
    st.put("kopia.repository", rf.rawBlob());
    HashFunction hash = Hashing.create("BLAKE2B-256-128", secret);
    ContentEncryptor enc = Encryption.create("AES256-GCM-HMAC-SHA256", master);

    byte[] live = "live content".getBytes(StandardCharsets.UTF_8);
    byte[] superseded = "only in a compacted-away index".getBytes(StandardCharsets.UTF_8);
    ContentId liveId = ContentId.of("", hash.hash(live));
    ContentId goneId = ContentId.of("", hash.hash(superseded));
    PackBuilder pb = new PackBuilder("p" + "ab".repeat(16));
    byte[] c1 = enc.encrypt(live, liveId.hash());
    byte[] c2 = enc.encrypt(superseded, goneId.hash());
    ContentInfo i1 =
        new ContentInfo(
            liveId,
            pb.packBlobId(),
            pb.append(c1),
            c1.length,
            live.length,
            0,
            false,
            Instant.ofEpochSecond(1_500_000_000));
    ContentInfo i2 =
        new ContentInfo(
            goneId,
            pb.packBlobId(),
            pb.append(c2),
            c2.length,
            superseded.length,
            0,
            false,
            Instant.ofEpochSecond(1_500_000_000));
    st.put(
        pb.packBlobId(),
        pb.finish(new IndexBuilder().add(i1).add(i2).buildWithRandomSuffix(1, 1), hash, enc));

    String oldIndex =
        putNamed(
            st,
            hash,
            enc,
            "n",
            new IndexBuilder().add(i1).add(i2).build(IndexBuilder.V1, 1),
            "s01");
    String newIndex =
        putNamed(st, hash, enc, "n", new IndexBuilder().add(i1).build(IndexBuilder.V1, 1), "");
    String log =
        "{\"inputMetadata\":[{\"id\":\""
            + oldIndex
            + "\",\"length\":1,\"timestamp\":\"2017-07-14T02:40:00Z\"}],"
            + "\"outputMetadata\":[{\"id\":\""
            + newIndex
            + "\",\"length\":1,\"timestamp\":\"2017-07-14T02:40:00Z\"}]}";
    putNamed(st, hash, enc, "m", log.getBytes(StandardCharsets.UTF_8), "");

    try (Repository r = Repository.open(st, "pw", null)) {
      assertThat(r.formatVersion()).isEqualTo(1);
      assertThat(r.splitter()).isEqualTo("FIXED");
      assertThat(r.contents().read(liveId)).isEqualTo(live);
      assertThat(r.contents().exists(goneId)).isFalse(); // its only index was compacted away
      assertThatThrownBy(() -> r.contents().write(new byte[] {1}, 0, 1, "", "none"))
          .hasMessageContaining("read-only");
    }
  }

  private static String putNamed(
      FilesystemBlobStorage st,
      HashFunction hash,
      ContentEncryptor enc,
      String prefix,
      byte[] plain,
      String suffix)
      throws Exception {
    byte[] h = hash.hash(plain);
    String id = prefix + HexFormat.of().formatHex(h) + (suffix.isEmpty() ? "" : "-" + suffix);
    st.put(id, enc.encrypt(plain, h));
    return id;
  }
}
