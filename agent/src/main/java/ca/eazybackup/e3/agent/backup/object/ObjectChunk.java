package ca.eazybackup.e3.agent.backup.object;

import ca.eazybackup.e3.agent.backup.index.ContentId;

/** Bytes [start, start + length) of an object are the plaintext of one content. */
public record ObjectChunk(long start, long length, ContentId content) {}
