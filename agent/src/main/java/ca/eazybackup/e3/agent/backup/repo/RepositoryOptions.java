package ca.eazybackup.e3.agent.backup.repo;

import ca.eazybackup.e3.agent.backup.content.KopiaContentStore;

/**
 * What a new repository is made of. {@code defaultCompressor} is the policy's compressor for file
 * contents (Kopia's default is "none"); it is not stored in the repository.
 */
public record RepositoryOptions(
    String hash, String encryption, String splitter, int maxPackSize, String defaultCompressor) {

  public static RepositoryOptions defaults() {
    return new RepositoryOptions(
        "BLAKE2B-256-128", "AES256-GCM-HMAC-SHA256", "DYNAMIC-4M-BUZHASH", 20 << 20, "zstd");
  }

  /** How many packs may be uploading at once per repository (memory = this × maxPackSize). */
  static int maxInFlightPacks() {
    return Integer.getInteger("e3.kopia.inFlightPacks", 4);
  }

  static KopiaContentStore.Settings settings(
      int formatVersion,
      int indexVersion,
      int maxPackSize,
      boolean epoch,
      java.nio.file.Path cacheDir) {
    return new KopiaContentStore.Settings(
        formatVersion, indexVersion, maxPackSize, epoch, maxInFlightPacks(), cacheDir);
  }
}
