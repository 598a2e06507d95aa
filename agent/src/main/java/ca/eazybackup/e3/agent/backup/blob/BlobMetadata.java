package ca.eazybackup.e3.agent.backup.blob;

import java.time.Instant;

/** A blob as a listing shows it; {@code timestamp} is the server's clock. */
public record BlobMetadata(String blobId, long length, Instant timestamp) {}
