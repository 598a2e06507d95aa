package ca.eazybackup.e3.agent.progress;

/**
 * Every event code the agent pushes (docs/agent-api.md, "Event codes", is kept in sync). Engines
 * may add their own {@code SYNC_*}, {@code KOPIA_*} and {@code NAS_*} codes; the ones the runtime
 * emits are here.
 */
public final class EventCodes {
  private EventCodes() {}

  public static final String BACKUP_STARTING = "BACKUP_STARTING";
  public static final String BACKUP_PROGRESS = "BACKUP_PROGRESS";
  public static final String BACKUP_COMPLETED = "BACKUP_COMPLETED";
  public static final String BACKUP_FAILED = "BACKUP_FAILED";
  public static final String BACKUP_CANCELLED = "BACKUP_CANCELLED";

  public static final String RESTORE_STARTING = "RESTORE_STARTING";
  public static final String RESTORE_PROGRESS = "RESTORE_PROGRESS";
  public static final String RESTORE_COMPLETED = "RESTORE_COMPLETED";
  public static final String RESTORE_FAILED = "RESTORE_FAILED";
  public static final String RESTORE_CANCELLED = "RESTORE_CANCELLED";

  public static final String MAINTENANCE_STARTING = "MAINTENANCE_STARTING";
  public static final String MAINTENANCE_COMPLETED = "MAINTENANCE_COMPLETED";
  public static final String MAINTENANCE_FAILED = "MAINTENANCE_FAILED";

  public static final String FILE_SKIPPED = "FILE_SKIPPED";

  /** A run waits for another run of the same repository on this agent to finish. */
  public static final String RUN_WAITING_FOR_REPOSITORY = "RUN_WAITING_FOR_REPOSITORY";

  public static final String SYNC_SCAN_COMPLETE = "SYNC_SCAN_COMPLETE";
  public static final String SYNC_FILE_SKIPPED = "SYNC_FILE_SKIPPED";
  public static final String SYNC_DELETED = "SYNC_DELETED";

  public static final String KOPIA_REPO_CONNECTED = "KOPIA_REPO_CONNECTED";
  public static final String KOPIA_SNAPSHOT_SAVED = "KOPIA_SNAPSHOT_SAVED";
  public static final String KOPIA_RESTORE_STARTING = "KOPIA_RESTORE_STARTING";
  public static final String KOPIA_RESTORE_COMPLETED = "KOPIA_RESTORE_COMPLETED";
  public static final String KOPIA_RESTORE_FAILED = "KOPIA_RESTORE_FAILED";
  public static final String KOPIA_RESTORE_CANCELLED = "KOPIA_RESTORE_CANCELLED";

  public static final String NAS_MOUNTED = "NAS_MOUNTED";
  public static final String NAS_UNMOUNTED = "NAS_UNMOUNTED";
  public static final String NAS_MOUNT_FAILED = "NAS_MOUNT_FAILED";

  public static final String NETWORK_SHARE_CONNECTED = "NETWORK_SHARE_CONNECTED";
  public static final String NETWORK_SHARE_FAILED = "NETWORK_SHARE_FAILED";
  public static final String NETWORK_SHARE_DISCONNECTED = "NETWORK_SHARE_DISCONNECTED";

  public static final String AGENT_RECLAIMED = "AGENT_RECLAIMED";
}
