package ca.eazybackup.e3.agent.backup.snapshot.diff;

/**
 * The sums of a comparison. Files are counted one by one (inside added and removed folders too);
 * folders only where they themselves were added or removed.
 *
 * @param directoriesRead folders whose directory objects were read
 * @param subtreesSkipped folders present in both snapshots with the same directory object, hence
 *     identical throughout and never read
 */
public record DiffTotals(
    long addedFiles,
    long addedBytes,
    long removedFiles,
    long removedBytes,
    long modifiedFiles,
    long modifiedOldBytes,
    long modifiedNewBytes,
    long addedFolders,
    long removedFolders,
    long directoriesRead,
    long subtreesSkipped) {

  public boolean identical() {
    return addedFiles + removedFiles + modifiedFiles + addedFolders + removedFolders == 0;
  }
}
