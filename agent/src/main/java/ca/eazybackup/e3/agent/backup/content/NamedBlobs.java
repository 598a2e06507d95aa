package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.crypto.ContentEncryptor;
import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import java.io.IOException;
import java.util.HexFormat;

/**
 * Kopia's named-blob scheme for index, session and log blobs (kopia repo/content/blob_crypto.go):
 * {@code id = prefix + hex(hash(plain)) [+ "-" + suffix]}, iv = the 32 hex characters before the
 * first dash, body = Encrypt(plain, iv).
 */
final class NamedBlobs {
  private final HashFunction hash;
  private final ContentEncryptor encryptor;

  record Encrypted(String blobId, byte[] body) {}

  NamedBlobs(HashFunction hash, ContentEncryptor encryptor) {
    this.hash = hash;
    this.encryptor = encryptor;
  }

  Encrypted encrypt(String prefix, byte[] plain, String suffix) {
    String id = prefix + HexFormat.of().formatHex(hash.hash(plain));
    if (suffix != null && !suffix.isEmpty()) {
      id += "-" + suffix;
    }
    return new Encrypted(id, encryptor.encrypt(plain, ivOf(id)));
  }

  byte[] decrypt(String blobId, byte[] body) throws IOException {
    try {
      return encryptor.decrypt(body, ivOf(blobId));
    } catch (IOException e) {
      throw new ContentCorruptedException(
          "blob " + blobId + " does not decrypt: " + e.getMessage(), e);
    }
  }

  static byte[] ivOf(String blobId) {
    int dash = blobId.indexOf('-');
    String s = dash >= 0 ? blobId.substring(0, dash) : blobId;
    if (s.length() < 32) {
      throw new IllegalArgumentException("blob id too short to carry an iv: " + blobId);
    }
    return HexFormat.of().parseHex(s, s.length() - 32, s.length());
  }
}
