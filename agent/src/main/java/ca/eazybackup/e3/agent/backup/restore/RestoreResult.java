package ca.eazybackup.e3.agent.backup.restore;

/** Counters of one restore. */
public record RestoreResult(
    long files, long bytes, long dirs, long skippedExisting, long deletedExtra, long symlinks) {}
