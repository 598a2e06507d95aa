package ca.eazybackup.e3.shims;

import java.nio.file.Path;

/**
 * One shadow copy.
 *
 * @param id the shadow copy's id ({@code {GUID}})
 * @param volume the volume it copies, {@code C:\}
 * @param deviceObject {@code \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN} on Windows
 * @param liveRoot the volume's root as this process resolves it ({@code C:\}; the simulated host's
 *     drive folder)
 * @param root where the copy's root can be read (a directory link on Windows)
 */
public record ShadowCopy(String id, String volume, String deviceObject, Path liveRoot, Path root) {

  /** {@code <liveRoot>\x\y} → {@code <root>\x\y}; other paths unchanged. */
  public Path translate(Path live) {
    Path abs = live.toAbsolutePath().normalize();
    Path base = liveRoot.toAbsolutePath().normalize();
    if (!abs.startsWith(base)) {
      return live;
    }
    return root.resolve(base.relativize(abs).toString());
  }
}
