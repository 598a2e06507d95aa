package ca.eazybackup.e3.agent.engine;

import java.util.List;

/**
 * What a {@code restore} command asks for (docs/agent-api.md, command payload).
 *
 * @param manifestId kopia snapshot manifest id; null for sync jobs
 * @param targetPath folder to restore into; null or empty means the original location
 * @param paths selected paths inside the snapshot/prefix; empty means everything
 * @param overwrite one of always, if-newer, if-changed, never (sync also: skip, rename)
 * @param deleteExtra delete files in the target that are not in the snapshot
 */
public record RestoreRequest(
    String manifestId,
    String targetPath,
    List<String> paths,
    String overwrite,
    boolean deleteExtra) {

  public RestoreRequest {
    paths = paths == null ? List.of() : List.copyOf(paths);
    overwrite = overwrite == null || overwrite.isBlank() ? "if-changed" : overwrite;
  }
}
