package ca.eazybackup.e3.agent.nas.mount;

/**
 * Where mount states go: {@code cloudnas_update_status.php}, queued so a report survives an addon
 * outage. Must not block.
 */
@FunctionalInterface
public interface MountReports {

  /**
   * @param status {@code mounted}, {@code unmounted} or {@code error}
   * @param error the reason, for {@code error} (and for a postponed unmount), else null
   * @param cacheBytesUsed bytes in the mount's cache folder, or null when unknown
   * @param warning something the client should know about a working drive (WebClient's file-size
   *     limit, uploads failing), or null
   */
  void status(long mountId, String status, String error, Long cacheBytesUsed, String warning);
}
