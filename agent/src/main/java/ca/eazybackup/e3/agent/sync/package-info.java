/**
 * The sync engine: rclone-style one-way sync of local folders to {@code s3://bucket/prefix/}, and
 * restore (download) from it. {@link ca.eazybackup.e3.agent.sync.SyncEngine} is the only public
 * type.
 *
 * <h2>Layout</h2>
 *
 * One source: its contents go straight under {@code dest_prefix/} ({@code rclone sync SRC
 * s3:bucket/prefix}). Several sources ({@code source_paths}): each under a folder named after its
 * last path element ({@code prefix/Documents/…}, {@code prefix/Photos/…}); repeated names get
 * {@code -2}, {@code -3} in job order; a drive root is named by its letter. A missing bucket is
 * created only with {@code bucket_auto_create}, otherwise the run fails saying so. Symbolic links
 * are not followed. Keys use {@code /}; object metadata {@code mtime} holds the file's modification
 * time exactly as rclone writes it (seconds with up to nine decimals), so rclone and this engine
 * read each other's objects.
 *
 * <h2>Filters ({@code local_include_glob}, {@code local_exclude_glob})</h2>
 *
 * Several patterns per field, separated by newlines or commas (a comma inside {@code {…}} belongs
 * to the pattern). Patterns are matched, case-sensitively, against the path relative to the source
 * root ({@code docs/2024/a.txt}).
 *
 * <table>
 *   <caption>glob syntax (rclone's)</caption>
 *   <tr><th>pattern</th><th>meaning</th><th>example</th></tr>
 *   <tr><td>{@code *}</td><td>any characters except {@code /}</td>
 *       <td>{@code *.jpg} matches {@code a.jpg}, {@code x/y/a.jpg}</td></tr>
 *   <tr><td>{@code **}</td><td>any characters including {@code /}</td>
 *       <td>{@code /docs/**} matches everything under {@code docs}</td></tr>
 *   <tr><td>{@code ?}</td><td>one character except {@code /}</td><td>{@code ?.txt}</td></tr>
 *   <tr><td>{@code [a-z]}, {@code [!a-z]}</td><td>character class, negated</td>
 *       <td>{@code [ab].log}</td></tr>
 *   <tr><td>{@code {a,b}}</td><td>alternatives</td><td>{@code *.{jpg,png}}</td></tr>
 *   <tr><td>{@code \x}</td><td>the character x literally</td><td>{@code file\*.txt}</td></tr>
 *   <tr><td>leading {@code /}</td><td>anchored at the source root; without it the pattern
 *       matches at the end of the path at any depth</td>
 *       <td>{@code /a.txt} only the top-level one</td></tr>
 *   <tr><td>trailing {@code /}</td><td>directory rule: matches a directory, covering all files
 *       below it</td><td>{@code cache/} any folder named cache</td></tr>
 * </table>
 *
 * <table>
 *   <caption>include/exclude combination</caption>
 *   <tr><th>include given</th><th>exclude given</th><th>a file is synced when</th></tr>
 *   <tr><td>no</td><td>no</td><td>always</td></tr>
 *   <tr><td>no</td><td>yes</td><td>no exclude covers it</td></tr>
 *   <tr><td>yes</td><td>no</td><td>an include covers it</td></tr>
 *   <tr><td>yes</td><td>yes</td><td>an include covers it and no exclude does (exclude wins)</td></tr>
 * </table>
 *
 * A folder an exclude covers whole ({@code dir/}, {@code /dir/**}) is not even read. Objects of
 * excluded files are never deleted, also in mirror mode (rclone without {@code --delete-excluded}).
 *
 * <h2>Change detection</h2>
 *
 * A file is uploaded when it has no object, the sizes differ, or the mtimes differ (more than 1
 * µs); with {@code policy_json.checksum} the MD5 is compared instead of the mtime (plain ETag, our
 * multipart ETag, or rclone's {@code md5chksum}), which reads every same-size file. The remote
 * mtime normally comes from a per-job state cache in {@code RunContext.jobCacheDir()} (key → size,
 * ETag, mtime, written sorted, read as a stream), trusted only while the listing still shows the
 * same size and ETag; otherwise one HEAD per object, as rclone does every time. An unchanged
 * re-sync therefore costs the listing plus one stat per file: no HEAD, no file read, no upload.
 *
 * <h2>Mirror ({@code policy_json.mirror}, default false)</h2>
 *
 * false = rclone copy: objects whose file is gone stay. true = rclone sync: they are deleted, after
 * all uploads, only under {@code dest_prefix/}, only when the run had no failed file, no unreadable
 * folder and a sorted listing, and only when the local file really is gone at delete time.
 *
 * <h2>Integrity and transfers</h2>
 *
 * Single PUT up to {@code multipart_cutoff_mib} (16), multipart above with parts of {@code
 * multipart_part_size_mib} (8, at least 5, grown so no object needs more than 10,000 parts). Every
 * body carries Content-MD5; ETags are checked. Size and mtime are read before and after reading a
 * file; a file that changed is retried ({@code file_retries}, 3) and then skipped with {@code
 * SYNC_FILE_SKIPPED}, never stored torn (an unfinished multipart upload is aborted). An unreadable
 * or locked file is skipped with {@code SYNC_FILE_SKIPPED}; the run then ends {@code warning}. A
 * file that fails to upload after retries makes the run {@code failed}. {@code parallelism}
 * (default 8) files at a time; {@code bandwidth_limit_kbps} (S3 traffic) and {@code
 * local_bandwidth_limit_kbps} (file reads) are each one token bucket shared by the whole run.
 * Cancel interrupts transfers and aborts open multipart uploads.
 *
 * <h2>Restore</h2>
 *
 * Downloads the prefix, or the selected paths (files or folders relative to the prefix), into the
 * target folder keeping the layout above — or, without a target, back to the job's sources, many
 * files at once (the job's parallelism). Files are written to a temporary name, verified as they
 * stream (MD5 against the ETag or {@code md5chksum}; objects uploaded by others with another part
 * size: size only, counted in the stats), given the mtime from the GET's own metadata headers (no
 * HEAD per file) and moved into place. Those whole-object GETs go through {@link
 * ca.eazybackup.e3.agent.s3.DirectGet} (signed by the SDK, sent on the client's connection pool,
 * without the client's per-request pipeline; errors fall back to the client). Objects above the
 * multipart cutoff are fetched as parallel part-sized ranged GETs into a preallocated file: each
 * range's MD5 is checked against the multipart ETag when the part layout matches ours, otherwise
 * the ranges are hashed in order as they land. {@code overwrite}: {@code always}/{@code overwrite}
 * replace; {@code skip}/{@code never} keep the existing file; {@code if-newer} replaces when the
 * object's mtime is later; {@code if-changed} (default) when size or mtime differ; {@code rename}
 * keeps the existing file and writes {@code name (restored).ext}. {@code delete_extra} makes the
 * restore a mirror: afterwards, files under the target (or under each selected folder) that the
 * listing did not account for are deleted — never outside those folders, never through a symlink,
 * and not at all when the restore was cancelled or any file failed or was skipped.
 */
package ca.eazybackup.e3.agent.sync;
