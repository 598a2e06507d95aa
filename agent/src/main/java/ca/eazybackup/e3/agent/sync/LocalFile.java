package ca.eazybackup.e3.agent.sync;

import java.nio.file.Path;

/**
 * A file found by the local walk.
 *
 * @param key the full S3 key it maps to
 * @param relative its path under the source root with {@code /} separators (what filters see)
 * @param mtimeNanos modification time, epoch nanoseconds
 */
record LocalFile(String key, String relative, Path path, long size, long mtimeNanos) {}
