package ca.eazybackup.e3.agent.backup.pack;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.crypto.Encryption;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.index.IndexBuilder;
import ca.eazybackup.e3.agent.backup.index.PackIndex;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PackBuilderTest {
  private static final HexFormat HEX = HexFormat.of();

  // Layout: kopia repo/content/content_index_recovery.go packContentPostamble.toBytes
  @Test
  void postambleEncodesVarintsChecksumAndOwnLength() {
    byte[] iv = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    byte[] p = new Postamble(iv, 4096, 100).encode();
    String hex = HEX.formatHex(p);
    assertThat(hex).startsWith("0110" + "000102030405060708090a0b0c0d0e0f" + "8020" + "64");
    assertThat(p[p.length - 1] & 0xff).isEqualTo(p.length - 1);
    Postamble back = Postamble.find(p);
    assertThat(back.localIndexIv()).isEqualTo(iv);
    assertThat(back.localIndexOffset()).isEqualTo(4096);
    assertThat(back.localIndexLength()).isEqualTo(100);
    p[3] ^= 1;
    assertThat(Postamble.find(p)).isNull();
  }

  @Test
  void packCarriesPaddedEncryptedLocalIndexFoundFromItsTail() throws Exception {
    HashFunction hash = Hashing.create("BLAKE2B-256-128", new byte[32]);
    ContentEncryptor enc = Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, new byte[32]);
    PackBuilder pb = new PackBuilder("pdeadbeef-s1");
    byte[] plain = "some content".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ContentId id = ContentId.of("", hash.hash(plain));
    byte[] cipher = enc.encrypt(plain, id.hash());
    int off = pb.append(cipher);
    assertThat(off).isEqualTo(PackBuilder.PREAMBLE_LENGTH);
    ContentInfo info =
        new ContentInfo(
            id,
            pb.packBlobId(),
            off,
            cipher.length,
            plain.length,
            0,
            false,
            Instant.ofEpochSecond(100));
    byte[] pack = pb.finish(new IndexBuilder().add(info).buildWithRandomSuffix(2, 2), hash, enc);

    Postamble post = Postamble.find(pack);
    assertThat(post.localIndexOffset() % PackBuilder.PADDING_UNIT).isZero();
    PackIndex local = PackReader.localIndex(pb.packBlobId(), pack, enc);
    assertThat(local.get(id)).isEqualTo(info);
    assertThat(enc.decrypt(pack, off, cipher.length, id.hash())).isEqualTo(plain);
  }

  /** finish() builds the blob at its exact size: contents, padding, index and postamble. */
  @Test
  void finishedBlobIsExactlyTheContentsPaddingIndexAndPostamble() throws Exception {
    HashFunction hash = Hashing.create("BLAKE2B-256-128", new byte[32]);
    ContentEncryptor enc = Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, new byte[32]);
    PackBuilder pb = new PackBuilder("pexact-s1");
    byte[] content = new byte[PackBuilder.PADDING_UNIT - PackBuilder.PREAMBLE_LENGTH];
    new java.util.Random(1).nextBytes(content);
    int off = pb.append(content);
    byte[] pack = pb.finish(new byte[] {1, 2, 3}, hash, enc);

    Postamble post = Postamble.find(pack);
    assertThat(post.localIndexOffset()).isEqualTo(2L * PackBuilder.PADDING_UNIT);
    byte[] tail =
        new Postamble(post.localIndexIv(), 2L * PackBuilder.PADDING_UNIT, post.localIndexLength())
            .encode();
    assertThat(pack.length)
        .isEqualTo(2 * PackBuilder.PADDING_UNIT + post.localIndexLength() + tail.length);
    assertThat(pb.length()).isEqualTo(pack.length);
    // the upload reads contents back from the finished pack until it is stored
    assertThat(pb.slice(off, content.length)).isEqualTo(content);
  }

  /**
   * An open pack keeps the appended arrays as parts: a read of any range, within one part or across
   * several, returns the bytes the finished blob has there.
   */
  @Test
  void slicesOfAnOpenPackMatchTheFinishedBlob() throws Exception {
    HashFunction hash = Hashing.create("BLAKE2B-256-128", new byte[32]);
    ContentEncryptor enc = Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, new byte[32]);
    java.util.Random rnd = new java.util.Random(7);
    PackBuilder pb = new PackBuilder("pparts-s1");
    java.util.List<int[]> ranges = new java.util.ArrayList<>();
    for (int size : new int[] {1, 100, 5000, 3, 70_000, 17}) {
      byte[] content = new byte[size];
      rnd.nextBytes(content);
      ranges.add(new int[] {pb.append(content), size});
    }
    int open = pb.length();
    int[][] reads = {{0, open}, {0, 1}, {31, 2}, {32, 1}, {33, 100}, {100, 6000}, {open - 1, 1}};
    java.util.List<byte[]> before = new java.util.ArrayList<>();
    for (int[] r : ranges) {
      before.add(pb.slice(r[0], r[1]));
    }
    for (int[] r : reads) {
      before.add(pb.slice(r[0], r[1]));
    }
    byte[] pack = pb.finish(new byte[] {1, 2, 3}, hash, enc);
    java.util.List<int[]> all = new java.util.ArrayList<>(ranges);
    all.addAll(java.util.List.of(reads));
    for (int i = 0; i < all.size(); i++) {
      int[] r = all.get(i);
      assertThat(before.get(i)).isEqualTo(java.util.Arrays.copyOfRange(pack, r[0], r[0] + r[1]));
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pb.slice(pack.length - 1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
