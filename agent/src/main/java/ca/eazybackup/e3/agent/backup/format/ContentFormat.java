package ca.eazybackup.e3.agent.backup.format;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The decrypted inner format of {@code kopia.repository}: FormattingOptions, MutableParameters and
 * the object format flattened into one JSON object (kopia
 * repo/content/content_formatting_options.go, repo/object/object_manager.go). {@code upgradeLock}
 * is kept only to refuse locked repositories.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContentFormat(
    @JsonProperty("hash") String hash,
    @JsonProperty("encryption") String encryption,
    @JsonProperty("secret") byte[] secret,
    @JsonProperty("masterKey") byte[] masterKey,
    @JsonProperty("version") int version,
    @JsonProperty("maxPackSize") int maxPackSize,
    @JsonProperty("indexVersion") int indexVersion,
    @JsonProperty("epochParameters") EpochParameters epochParameters,
    @JsonProperty("enablePasswordChange") boolean enablePasswordChange,
    @JsonProperty("upgradeLock") JsonNode upgradeLock,
    @JsonProperty("splitter") String splitter) {

  public static final int DEFAULT_MAX_PACK_SIZE = 20 << 20;

  /** maxPackSize with Kopia's default for 0. */
  public int effectiveMaxPackSize() {
    return maxPackSize == 0 ? DEFAULT_MAX_PACK_SIZE : maxPackSize;
  }

  /** indexVersion with Kopia's default (1) for 0. */
  public int effectiveIndexVersion() {
    return indexVersion == 0 ? 1 : indexVersion;
  }

  /** splitter with Kopia's default for an empty value. */
  public String effectiveSplitter() {
    return splitter == null || splitter.isEmpty() ? "FIXED" : splitter;
  }

  /** The HMAC secret, empty when the repository was created without one. */
  public byte[] secretOrEmpty() {
    return secret == null ? new byte[0] : secret;
  }

  /** Wrapper object: the inner JSON is {@code {"format":{...}}}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Envelope(@JsonProperty("format") ContentFormat format) {}
}
