-- Issue 13 (numbered after 17_1 so a database already there takes it): a command the agent has
-- written to its journal is acknowledged (agent_ack_commands); one delivered but never
-- acknowledged was lost with a killed agent and is handed out again, `deliveries` times at most.
ALTER TABLE s3_cloudbackup_run_commands ADD COLUMN acknowledged_at DATETIME(3) NULL;
ALTER TABLE s3_cloudbackup_run_commands ADD COLUMN deliveries INT NOT NULL DEFAULT 0;
