package ca.eazybackup.e3.agent.progress;

/** What a reported operation is; chooses the lifecycle event codes. */
public enum RunKind {
  BACKUP(
      EventCodes.BACKUP_STARTING,
      EventCodes.BACKUP_PROGRESS,
      EventCodes.BACKUP_COMPLETED,
      EventCodes.BACKUP_FAILED,
      EventCodes.BACKUP_CANCELLED),
  RESTORE(
      EventCodes.RESTORE_STARTING,
      EventCodes.RESTORE_PROGRESS,
      EventCodes.RESTORE_COMPLETED,
      EventCodes.RESTORE_FAILED,
      EventCodes.RESTORE_CANCELLED),
  MAINTENANCE(
      EventCodes.MAINTENANCE_STARTING,
      EventCodes.BACKUP_PROGRESS,
      EventCodes.MAINTENANCE_COMPLETED,
      EventCodes.MAINTENANCE_FAILED,
      EventCodes.MAINTENANCE_FAILED);

  private final String starting;
  private final String progress;
  private final String completed;
  private final String failed;
  private final String cancelled;

  RunKind(String starting, String progress, String completed, String failed, String cancelled) {
    this.starting = starting;
    this.progress = progress;
    this.completed = completed;
    this.failed = failed;
    this.cancelled = cancelled;
  }

  public String starting() {
    return starting;
  }

  public String progress() {
    return progress;
  }

  public String completed() {
    return completed;
  }

  public String failed() {
    return failed;
  }

  public String cancelled() {
    return cancelled;
  }

  public String label() {
    return switch (this) {
      case BACKUP -> "Backup";
      case RESTORE -> "Restore";
      case MAINTENANCE -> "Maintenance";
    };
  }
}
