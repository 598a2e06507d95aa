package ca.eazybackup.e3.agent.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyDerivationTest {
  private static final HexFormat HEX = HexFormat.of();

  // vectors: shared/research/kopia-format.md §5, computed for kopia
  // repo/crypto_key_derivation_nontest.go (scrypt 65536/8/1) and repo/format_block.go initCrypto
  @Test
  void passwordDerivesKopiasFormatKeyAndGcmKeys() {
    byte[] uniqueId = new byte[32];
    Arrays.fill(uniqueId, (byte) 0xaa);
    byte[] fk = KeyDerivation.formatKey("scrypt-65536-8-1", "password", uniqueId);
    assertThat(HEX.formatHex(fk))
        .isEqualTo("50d0ddbb59120e0943ef55fc817890478902a083457f3d7ca8732acdab9f5cb8");
    assertThat(HEX.formatHex(KeyDerivation.derive(fk, uniqueId, "AES", 32)))
        .isEqualTo("65cd82155f6d5f63a6f3e2ff3ebca41dfcdd88ca98bb1cbc744090c8fcae5236");
    assertThat(HEX.formatHex(KeyDerivation.derive(fk, uniqueId, "CHECKSUM", 32)))
        .isEqualTo("32a0f0d12195724ab0921c98f5f9b123cea68e5de354f42af824823fde2c045a");
  }

  // vectors: shared/research/kopia-format.md §5 (kopia repo/encryption/aead_helpers.go deriveKey)
  @Test
  void contentSecretUsesEncryptionAsSaltAndEmptyInfo() {
    byte[] master = new byte[32];
    for (int i = 0; i < 32; i++) {
      master[i] = (byte) i;
    }
    byte[] e =
        KeyDerivation.hkdf(
            master, "encryption".getBytes(StandardCharsets.US_ASCII), new byte[0], 32);
    assertThat(HEX.formatHex(e))
        .isEqualTo("e1f9e09d980a7ab1c7eea06c06e0a3bced0c4fa3b29ccd7e3f12e6f91ff3efe7");
  }

  // vectors: RFC 5869 test case 1
  @Test
  void hkdfMatchesRfc5869() {
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    byte[] okm =
        KeyDerivation.hkdf(
            ikm,
            HEX.parseHex("000102030405060708090a0b0c"),
            HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"),
            42);
    assertThat(HEX.formatHex(okm))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void hkdfWithoutSaltOrInfoMatchesRfc5869() {
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    assertThat(HEX.formatHex(KeyDerivation.hkdf(ikm, new byte[0], new byte[0], 42)))
        .isEqualTo(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  @Test
  void threadsAskingForOneKeyAtOnceAllGetIt() throws Exception {
    byte[] salt = HEX.parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var keys = new java.util.ArrayList<java.util.concurrent.Future<byte[]>>();
      for (int i = 0; i < 4; i++) {
        keys.add(
            pool.submit(
                () ->
                    KeyDerivation.formatKey(
                        KeyDerivation.SCRYPT_65536_8_1, "concurrent-password", salt)));
      }
      byte[] first = keys.get(0).get();
      for (var k : keys) {
        assertThat(k.get()).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theKeyMemoHoldsNoPlainHashOfThePassword() throws Exception {
    byte[] salt = "salt".getBytes(StandardCharsets.US_ASCII);
    byte[] pw = "password".getBytes(StandardCharsets.UTF_8);
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    sha.update(salt);
    sha.update((byte) 0);
    sha.update(pw);
    String plain = HEX.formatHex(sha.digest()); // the old memo key: checkable against guesses
    assertThat(KeyDerivation.memoKey(pw, salt))
        .isNotEqualTo(plain)
        .isEqualTo(KeyDerivation.memoKey(pw, salt));
    // the salt/password boundary is part of the key
    assertThat(
            KeyDerivation.memoKey(
                "bc".getBytes(StandardCharsets.UTF_8), "a".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(
            KeyDerivation.memoKey(
                "c".getBytes(StandardCharsets.UTF_8), "ab".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theKeyMemoIsBoundedAndReturnsCopies() {
    byte[] uniqueId = new byte[32];
    byte[] a = KeyDerivation.formatKey("scrypt-65536-8-1", "memo-test", uniqueId);
    a[0] ^= 1; // a caller scribbling on its copy does not change the memo
    byte[] b = KeyDerivation.formatKey("scrypt-65536-8-1", "memo-test", uniqueId);
    assertThat(b[0]).isNotEqualTo(a[0]);
    assertThat(KeyDerivation.memoSize()).isBetween(1, KeyDerivation.MEMO_SIZE);
  }
}
