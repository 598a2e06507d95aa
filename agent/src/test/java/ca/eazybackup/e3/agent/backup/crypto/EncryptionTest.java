package ca.eazybackup.e3.agent.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptionTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] MASTER_KEY =
      "01234567890123456789012345678901".getBytes(StandardCharsets.US_ASCII);

  // vectors: kopia repo/encryption/encryption_test.go TestCiphertextSamples (the content id's 32
  // ASCII bytes are the iv; masterKey "01234567890123456789012345678901")
  @ParameterizedTest
  @CsvSource({
    "AES256-GCM-HMAC-SHA256, aabbccddeeffgghhiijjkkllmmnnoopp, foo,"
        + " e43ba07f85a6d70c5f1102ca06cf19c597e5f91e527b21f00fb76e8bec3fd1",
    "CHACHA20-POLY1305-HMAC-SHA256, aabbccddeeffgghhiijjkkllmmnnoopp, foo,"
        + " 118359f3d4d589d939efbbc3168ae4c77c51bcebce6845fe6ef5d11342faa6",
    "AES256-GCM-HMAC-SHA256, 00000000000000000000000000000000, quick brown fox jumps over the"
        + " lazy dog,"
        + " eaad755a238f1daa4052db2e5ccddd934790b6cca415b3ccfd46ac5746af33d9d30f4400ffa9eb3a64fb1ce21b888c12c043bf6787d4a5c15ad10f21f6a6027ee3afe0",
    "CHACHA20-POLY1305-HMAC-SHA256, 00000000000000000000000000000000, quick brown fox jumps over"
        + " the lazy dog,"
        + " 836d2ba87892711077adbdbe1452d3b2c590bbfdf6fd3387dc6810220a32ec19de862e1a4f865575e328424b5f178afac1b7eeff11494f719d119b7ebb924d1d0846a3",
  })
  void decryptsKopiasCiphertextSamples(String algo, String contentId, String payload, String hex)
      throws Exception {
    ContentEncryptor enc = Encryption.create(algo, MASTER_KEY);
    byte[] iv = contentId.getBytes(StandardCharsets.US_ASCII);
    byte[] plain = enc.decrypt(HEX.parseHex(hex), iv);
    assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(payload);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES256-GCM-HMAC-SHA256", "CHACHA20-POLY1305-HMAC-SHA256"})
  void roundTripsWithTwentyEightBytesOverheadAndRandomNonce(String algo) throws Exception {
    ContentEncryptor enc = Encryption.create(algo, MASTER_KEY);
    byte[] iv = HEX.parseHex("00112233445566778899aabbccddeeff");
    byte[] data = "hello world".getBytes(StandardCharsets.UTF_8);
    byte[] a = enc.encrypt(data, iv);
    byte[] b = enc.encrypt(data, iv);
    assertThat(a).hasSize(data.length + ContentEncryptor.OVERHEAD).isNotEqualTo(b);
    assertThat(enc.decrypt(a, iv)).isEqualTo(data);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES256-GCM-HMAC-SHA256", "CHACHA20-POLY1305-HMAC-SHA256"})
  void flippedByteOrWrongIvFailsAuthentication(String algo) {
    ContentEncryptor enc = Encryption.create(algo, MASTER_KEY);
    byte[] iv = HEX.parseHex("00112233445566778899aabbccddeeff");
    byte[] c = enc.encrypt("payload".getBytes(StandardCharsets.UTF_8), iv);
    c[15] ^= 1;
    assertThatThrownBy(() -> enc.decrypt(c, iv)).isInstanceOf(DecryptionException.class);
    byte[] c2 = enc.encrypt("payload".getBytes(StandardCharsets.UTF_8), iv);
    byte[] otherIv = iv.clone();
    otherIv[0] ^= 1;
    assertThatThrownBy(() -> enc.decrypt(c2, otherIv)).isInstanceOf(DecryptionException.class);
  }

  /** A verify then a restore read one content twice in a row on one thread. */
  @ParameterizedTest
  @ValueSource(strings = {"AES256-GCM-HMAC-SHA256", "CHACHA20-POLY1305-HMAC-SHA256"})
  void decryptsTheSameContentTwiceInARow(String algo) throws Exception {
    ContentEncryptor enc = Encryption.create(algo, MASTER_KEY);
    byte[] iv = HEX.parseHex("00112233445566778899aabbccddeeff");
    byte[] data = "read me twice".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = enc.encrypt(data, iv);
    assertThat(enc.decrypt(sealed, iv)).isEqualTo(data);
    assertThat(enc.decrypt(sealed, iv)).isEqualTo(data);
    byte[] out = new byte[data.length];
    assertThat(enc.decryptInto(sealed, 0, sealed.length, iv, out, 0)).isEqualTo(data.length);
    assertThat(out).isEqualTo(data);
  }
}
