package ca.eazybackup.e3.agent.backup.format;

import ca.eazybackup.e3.agent.backup.blob.BlobRetention;
import ca.eazybackup.e3.agent.backup.crypto.DecryptionException;
import ca.eazybackup.e3.agent.backup.crypto.FormatBlobCrypto;
import ca.eazybackup.e3.agent.backup.crypto.KeyDerivation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * Encodes and decodes {@code kopia.repository} and {@code kopia.blobcfg} with a password (kopia
 * repo/format_block.go, repo/blobcfg_blob.go): the outer JSON is clear, the inner format JSON is
 * AES-256-GCM encrypted with keys derived from scrypt(password, uniqueID).
 */
public final class RepositoryFormat {
  public static final String FORMAT_BLOB_ID = "kopia.repository";
  public static final String BLOBCFG_BLOB_ID = "kopia.blobcfg";
  public static final String FORMAT_ENCRYPTION = "AES256_GCM";

  static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final FormatBlob blob;
  private final ContentFormat format;
  private final byte[] formatKey;
  private final byte[] rawBlob;

  private RepositoryFormat(
      FormatBlob blob, ContentFormat format, byte[] formatKey, byte[] rawBlob) {
    this.blob = blob;
    this.format = format;
    this.formatKey = formatKey;
    this.rawBlob = rawBlob;
  }

  public FormatBlob blob() {
    return blob;
  }

  public ContentFormat format() {
    return format;
  }

  /** The bytes of {@code kopia.repository} as stored. */
  public byte[] rawBlob() {
    return rawBlob.clone();
  }

  /**
   * The format key (scrypt output). Needed for {@code kopia.blobcfg}; and, in format version 1, as
   * the IKM of DeriveKey.
   */
  public byte[] formatKey() {
    return formatKey.clone();
  }

  public static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** A new format blob for {@code format} protected by {@code password}. */
  public static RepositoryFormat create(
      ContentFormat format, String password, String buildVersion) {
    byte[] uniqueId = random(32);
    byte[] fk = KeyDerivation.formatKey(KeyDerivation.SCRYPT_65536_8_1, password, uniqueId);
    byte[] inner;
    try {
      inner = JSON.writeValueAsBytes(new ContentFormat.Envelope(format));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise repository format", e);
    }
    FormatBlob fb =
        new FormatBlob(
            "https://github.com/kopia/kopia",
            buildVersion,
            "e3-backup-agent",
            uniqueId,
            KeyDerivation.SCRYPT_65536_8_1,
            FORMAT_ENCRYPTION,
            new FormatBlobCrypto(fk, uniqueId).encrypt(inner));
    return new RepositoryFormat(fb, format, fk, goIndented(fb));
  }

  /** Go's json.Encoder with SetIndent("", " "): two-space indent, "k": v, trailing newline. */
  private static byte[] goIndented(Object value) {
    DefaultPrettyPrinter pp =
        new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(
                com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(
                        com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
    try {
      String s = JSON.writer(pp).writeValueAsString(value);
      return (s + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise format blob", e);
    }
  }

  /**
   * The clear outer part of a {@code kopia.repository} (unique id, key derivation), read without
   * the password; null when the bytes are not one.
   */
  public static FormatBlob peek(byte[] raw) {
    try {
      return JSON.readValue(raw, FormatBlob.class);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The repository's unique id from {@code kopia.repository}'s clear-text part, without the
   * password; null when the blob cannot be parsed (opening it will say why).
   */
  public static byte[] uniqueIdOf(byte[] raw) {
    FormatBlob fb = peek(raw);
    return fb == null ? null : fb.uniqueId();
  }

  /**
   * Parses and decrypts {@code kopia.repository}.
   *
   * @throws FormatException "invalid repository password" when the password is wrong, or a message
   *     naming what is unsupported
   */
  public static RepositoryFormat open(byte[] raw, String password) throws FormatException {
    FormatBlob fb;
    try {
      fb = JSON.readValue(raw, FormatBlob.class);
    } catch (IOException e) {
      throw new FormatException("kopia.repository is not valid JSON: " + e.getMessage(), e);
    }
    if (fb.uniqueId() == null || fb.encryptedBlockFormat() == null) {
      throw new FormatException(
          "kopia.repository has no encrypted format block (unencrypted repositories are not supported)");
    }
    if (!FORMAT_ENCRYPTION.equals(fb.encryption())) {
      throw new FormatException("unsupported format encryption: " + fb.encryption());
    }
    byte[] fk;
    try {
      fk = KeyDerivation.formatKey(fb.keyAlgorithm(), password, fb.uniqueId());
    } catch (IllegalArgumentException e) {
      throw new FormatException(e.getMessage(), e);
    }
    byte[] inner;
    try {
      inner = new FormatBlobCrypto(fk, fb.uniqueId()).decrypt(fb.encryptedBlockFormat());
    } catch (DecryptionException e) {
      throw new FormatException("invalid repository password", e);
    }
    ContentFormat cf;
    try {
      ContentFormat.Envelope env = JSON.readValue(inner, ContentFormat.Envelope.class);
      cf = env.format();
    } catch (IOException e) {
      throw new FormatException("invalid repository format: " + e.getMessage(), e);
    }
    if (cf == null) {
      throw new FormatException("invalid repository format: no \"format\" object");
    }
    return new RepositoryFormat(fb, cf, fk, raw.clone());
  }

  /** {@code kopia.blobcfg} for no retention: the encrypted JSON {@code {}}. */
  public byte[] encryptBlobCfg() {
    return encryptBlobCfg(null);
  }

  /**
   * {@code kopia.blobcfg} as Kopia writes it (format.BlobStorageConfiguration): {@code
   * {"retentionMode":"GOVERNANCE","retentionPeriod":<nanoseconds>}}, or {@code {}} for none.
   */
  public byte[] encryptBlobCfg(BlobRetention retention) {
    ObjectNode n = JSON.createObjectNode();
    if (retention != null) {
      n.put("retentionMode", retention.mode());
      n.put("retentionPeriod", retention.period().toNanos());
    }
    return new FormatBlobCrypto(formatKey, blob.uniqueId())
        .encrypt(n.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decrypts {@code kopia.blobcfg}.
   *
   * @return its retention, or null when none
   */
  public BlobRetention retention(byte[] blobCfg) throws FormatException {
    try {
      byte[] plain = new FormatBlobCrypto(formatKey, blob.uniqueId()).decrypt(blobCfg);
      JsonNode n = JSON.readTree(plain);
      String mode = n.path("retentionMode").asText("");
      long nanos = n.path("retentionPeriod").asLong(0);
      if (mode.isEmpty() || nanos <= 0) {
        return null;
      }
      return new BlobRetention(mode, Duration.ofNanos(nanos));
    } catch (DecryptionException e) {
      throw new FormatException("kopia.blobcfg does not decrypt with this password", e);
    } catch (IllegalArgumentException e) {
      throw new FormatException("kopia.blobcfg holds an unusable retention: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new FormatException("kopia.blobcfg is not valid JSON", e);
    }
  }

  /**
   * Decrypts {@code kopia.blobcfg}.
   *
   * @return its retention mode, "" when none
   */
  public String retentionMode(byte[] blobCfg) throws FormatException {
    try {
      byte[] plain = new FormatBlobCrypto(formatKey, blob.uniqueId()).decrypt(blobCfg);
      JsonNode n = JSON.readTree(plain);
      return n.path("retentionMode").asText("");
    } catch (DecryptionException e) {
      throw new FormatException("kopia.blobcfg does not decrypt with this password", e);
    } catch (IOException e) {
      throw new FormatException("kopia.blobcfg is not valid JSON", e);
    }
  }

  /** The inner JSON as an object tree, for tests and diagnostics. */
  static ObjectNode tree(ContentFormat f) {
    return JSON.valueToTree(new ContentFormat.Envelope(f));
  }
}
