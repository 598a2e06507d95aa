package ca.eazybackup.e3.shims;

/**
 * One drive as the filesystem browser shows it.
 *
 * @param path e.g. {@code C:}
 * @param type fixed, removable, network, cdrom, ram, unknown
 * @param uncPath {@code \\server\share} for network drives, else null
 */
public record VolumeInfo(
    String path, String label, long sizeBytes, String fileSystem, String type, String uncPath) {

  public boolean isNetwork() {
    return "network".equals(type);
  }
}
