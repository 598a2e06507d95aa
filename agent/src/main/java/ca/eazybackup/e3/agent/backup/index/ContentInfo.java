package ca.eazybackup.e3.agent.backup.index;

import java.time.Instant;

/** An index entry: where a content lives and how big it is. */
public record ContentInfo(
    ContentId id,
    String packBlobId,
    long packOffset,
    long packedLength,
    long originalLength,
    int compressionHeaderId,
    boolean deleted,
    Instant timestamp) {}
