package ca.eazybackup.e3.agent.backup.format;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The outer, clear-text JSON of {@code kopia.repository} (kopia repo/format_block.go formatBlob).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FormatBlob(
    @JsonProperty("tool") String tool,
    @JsonProperty("buildVersion") String buildVersion,
    @JsonProperty("buildInfo") String buildInfo,
    @JsonProperty("uniqueID") byte[] uniqueId,
    @JsonProperty("keyAlgo") String keyAlgorithm,
    @JsonProperty("encryption") String encryption,
    @JsonProperty("encryptedBlockFormat") byte[] encryptedBlockFormat) {}
