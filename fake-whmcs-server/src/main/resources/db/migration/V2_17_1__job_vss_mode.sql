-- Issue 17: whether a Windows backup reads its sources from VSS shadow copies (locked PSTs,
-- databases): never, when_available (the agent runs as the service or elevated), always.
ALTER TABLE s3_cloudbackup_jobs ADD COLUMN vss_mode VARCHAR(16) NOT NULL DEFAULT 'when_available';
