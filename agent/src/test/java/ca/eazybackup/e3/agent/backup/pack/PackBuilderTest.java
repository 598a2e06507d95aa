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
    PackBuilder pb = new PackBuilder("pdeadbeef-s1", 1024);
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

  /** finish() builds the blob at its exact size whether the open buffer has slack or not. */
  @Test
  void finishedBlobIsExactlyTheContentsPaddingIndexAndPostamble() throws Exception {
    HashFunction hash = Hashing.create("BLAKE2B-256-128", new byte[32]);
    ContentEncryptor enc = Encryption.create(Encryption.AES256_GCM_HMAC_SHA256, new byte[32]);
    for (int expected : new int[] {4096, 1 << 20}) {
      PackBuilder pb = new PackBuilder("pslack-s1", expected);
      byte[] content = new byte[PackBuilder.PADDING_UNIT - PackBuilder.PREAMBLE_LENGTH];
      new java.util.Random(expected).nextBytes(content);
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
  }
}
