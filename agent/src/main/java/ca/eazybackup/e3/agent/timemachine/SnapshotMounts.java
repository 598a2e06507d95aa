package ca.eazybackup.e3.agent.timemachine;

import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.nas.NasServer;
import ca.eazybackup.e3.agent.nas.ServedVolume;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What {@code nas_mount_snapshot} adds to a Cloud NAS mount: the volume is a snapshot's tree
 * instead of a bucket, and the drive is labelled "Time Machine (job, date)". The mount lifecycle
 * (drive letter, status reports, {@code nas_unmount}) is Cloud NAS's ({@code nas/mount}); it asks
 * this class for the volume and the label, so the call site stays one line there.
 */
public final class SnapshotMounts {
  /** Job names longer than this are cut in the label (Explorer truncates long labels anyway). */
  static final int MAX_JOB_NAME = 40;

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

  private SnapshotMounts() {}

  /**
   * {@code Time Machine (Documents, 2026-12-07 13:05)}: the job's name and the snapshot's start
   * time in the machine's zone, so two drives of one job tell their dates apart.
   */
  public static String label(String jobName, OffsetDateTime snapshotStart, ZoneId zone) {
    String name = jobName == null || jobName.isBlank() ? "backup" : jobName.strip();
    // characters Windows refuses in a drive label's registry value name are not an issue, but
    // control characters would garble Explorer's display
    name = name.replaceAll("\\p{Cntrl}", " ");
    if (name.length() > MAX_JOB_NAME) {
      name = name.substring(0, MAX_JOB_NAME - 1) + "…";
    }
    return "Time Machine ("
        + name
        + ", "
        + WHEN.format(snapshotStart.atZoneSameInstant(zone))
        + ")";
  }

  /**
   * Serves snapshot {@code manifestId} of {@code repo} read-only on {@code server}. The volume owns
   * the repository from then on: closing it (an unmount) closes the repository.
   *
   * @throws SnapshotNotFoundException when the snapshot is not (or no longer) there; {@code repo}
   *     is then closed too
   */
  public static ServedVolume serve(NasServer server, SnapshotRepository repo, String manifestId)
      throws IOException {
    SnapshotFileSystem tree;
    try {
      tree = repo.serve(manifestId);
    } catch (IOException | RuntimeException e) {
      repo.close();
      throw e;
    }
    return server.serve(tree, NasOptions.uncached());
  }
}
