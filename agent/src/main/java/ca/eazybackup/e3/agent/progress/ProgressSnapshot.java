package ca.eazybackup.e3.agent.progress;

/** Counters of a run at one instant; speed in bytes/s, eta in seconds (-1 = unknown). */
public record ProgressSnapshot(
    long filesTotal,
    long bytesTotal,
    boolean totalsFinal,
    long filesDone,
    long bytesDone,
    long filesSkipped,
    double speedBytesPerSec,
    long etaSeconds,
    String currentItem) {}
