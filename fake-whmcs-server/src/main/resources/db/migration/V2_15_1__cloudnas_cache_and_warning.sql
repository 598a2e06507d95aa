-- Issue 15: what the agent reports about a mounted drive, for the "Cache Used" card and the
-- drive's warning line (WebClient's file-size limit, uploads failing).
ALTER TABLE s3_cloudnas_mounts ADD COLUMN cache_bytes_used BIGINT NULL;
ALTER TABLE s3_cloudnas_mounts ADD COLUMN warning TEXT NULL;
