package ca.eazybackup.e3.agent.backup.upload;

import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;

/**
 * A saved, re-read snapshot.
 *
 * @param bytesHashed file bytes read and hashed in this run (unchanged files are not read)
 * @param checkpoints checkpoint manifests written (and removed again) during the run
 */
public record UploadResult(
    String manifestId, SnapshotManifest manifest, long bytesHashed, int checkpoints) {}
