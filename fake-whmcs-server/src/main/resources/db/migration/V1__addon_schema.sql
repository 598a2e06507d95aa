-- The WHMCS cloudstorage addon's tables as the seed lists them, plus the WHMCS pieces the addon
-- relies on (clients, client sessions, addon settings) and the mail outbox.
-- Portable between H2 (MODE=MySQL) and MariaDB: no engine clauses, no vendor functions;
-- every time is written by the application in UTC (its injectable clock), never by NOW().

CREATE TABLE tblclients (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  firstname VARCHAR(100) NOT NULL DEFAULT '',
  lastname VARCHAR(100) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL
);

-- Stands in for the WHMCS session cookie: header X-Client-Session carries the token.
CREATE TABLE sim_client_sessions (
  token VARCHAR(100) NOT NULL PRIMARY KEY,
  client_id BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL
);
CREATE INDEX idx_sessions_client ON sim_client_sessions (client_id);

CREATE TABLE tbladdonmodules (
  module VARCHAR(64) NOT NULL,
  setting VARCHAR(128) NOT NULL,
  setting_value TEXT,
  PRIMARY KEY (module, setting)
);

CREATE TABLE s3_buckets (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  client_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  access_key_enc TEXT NOT NULL,
  secret_key_enc TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL
);
CREATE INDEX idx_buckets_client ON s3_buckets (client_id);
CREATE UNIQUE INDEX uq_buckets_name ON s3_buckets (name);

CREATE TABLE s3_cloudbackup_agents (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  client_id BIGINT NOT NULL,
  agent_token VARCHAR(128) NOT NULL,
  hostname VARCHAR(255) NOT NULL DEFAULT '',
  status VARCHAR(20) NOT NULL DEFAULT 'active',
  last_seen_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
);
CREATE INDEX idx_agents_client ON s3_cloudbackup_agents (client_id);

CREATE TABLE s3_cloudbackup_jobs (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  client_id BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  source_type VARCHAR(32) NOT NULL DEFAULT 'local_agent',
  source_path VARCHAR(4096) NOT NULL DEFAULT '',
  source_paths_json TEXT,
  source_config TEXT,
  engine VARCHAR(16) NOT NULL DEFAULT 'sync',
  dest_type VARCHAR(16) NOT NULL DEFAULT 's3',
  dest_bucket_id BIGINT NULL,
  dest_bucket VARCHAR(255) NOT NULL DEFAULT '',
  dest_prefix VARCHAR(1024) NOT NULL DEFAULT '',
  dest_local_path VARCHAR(4096) NULL,
  bucket_auto_create TINYINT NOT NULL DEFAULT 0,
  schedule_type VARCHAR(16) NOT NULL DEFAULT 'manual',
  schedule_json TEXT,
  retention_json TEXT,
  policy_json TEXT,
  bandwidth_limit_kbps BIGINT NOT NULL DEFAULT 0,
  parallelism INT NOT NULL DEFAULT 0,
  encryption_mode VARCHAR(64) NOT NULL DEFAULT '',
  compression VARCHAR(64) NOT NULL DEFAULT '',
  local_include_glob TEXT,
  local_exclude_glob TEXT,
  local_bandwidth_limit_kbps BIGINT NOT NULL DEFAULT 0,
  agent_id BIGINT NULL,
  last_policy_hash VARCHAR(64) NULL,
  repository_password_enc TEXT,
  notify_email VARCHAR(255) NULL,
  notify_on VARCHAR(16) NOT NULL DEFAULT 'always',
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  schedule_slot_at DATETIME(3) NULL,
  next_run_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
);
CREATE INDEX idx_jobs_client ON s3_cloudbackup_jobs (client_id);
CREATE INDEX idx_jobs_agent ON s3_cloudbackup_jobs (agent_id);
CREATE INDEX idx_jobs_next_run ON s3_cloudbackup_jobs (next_run_at);

CREATE TABLE s3_cloudbackup_runs (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  job_id BIGINT NOT NULL,
  client_id BIGINT NOT NULL,
  agent_id BIGINT NULL,
  run_type VARCHAR(16) NOT NULL DEFAULT 'backup',
  trigger_type VARCHAR(16) NOT NULL DEFAULT 'manual',
  status VARCHAR(16) NOT NULL,
  engine VARCHAR(16) NOT NULL DEFAULT 'sync',
  dest_type VARCHAR(16) NOT NULL DEFAULT 's3',
  dest_bucket VARCHAR(255) NOT NULL DEFAULT '',
  dest_prefix VARCHAR(1024) NOT NULL DEFAULT '',
  dest_local_path VARCHAR(4096) NULL,
  progress_pct DECIMAL(6,2) NOT NULL DEFAULT 0,
  bytes_transferred BIGINT NOT NULL DEFAULT 0,
  bytes_total BIGINT NOT NULL DEFAULT 0,
  files_done BIGINT NOT NULL DEFAULT 0,
  files_total BIGINT NOT NULL DEFAULT 0,
  speed_bytes_per_sec BIGINT NOT NULL DEFAULT 0,
  eta_seconds BIGINT NOT NULL DEFAULT -1,
  current_item VARCHAR(4096) NULL,
  stats_json TEXT,
  progress_json TEXT,
  log_ref VARCHAR(1024) NULL,
  policy_snapshot TEXT,
  worker_host VARCHAR(255) NULL,
  error_summary TEXT,
  manifest_id VARCHAR(255) NULL,
  source_run_id BIGINT NULL,
  scheduled_for DATETIME(3) NULL,
  started_at DATETIME(3) NULL,
  finished_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
);
CREATE INDEX idx_runs_status_agent ON s3_cloudbackup_runs (status, agent_id);
CREATE INDEX idx_runs_agent_status ON s3_cloudbackup_runs (agent_id, status);
CREATE INDEX idx_runs_job ON s3_cloudbackup_runs (job_id);
CREATE INDEX idx_runs_client ON s3_cloudbackup_runs (client_id);

CREATE TABLE s3_cloudbackup_run_logs (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  run_id BIGINT NOT NULL,
  level VARCHAR(16) NOT NULL DEFAULT 'info',
  code VARCHAR(64) NULL,
  message TEXT NOT NULL,
  details_json TEXT,
  created_at DATETIME(3) NOT NULL
);
CREATE INDEX idx_run_logs_run ON s3_cloudbackup_run_logs (run_id);

CREATE TABLE s3_cloudbackup_run_events (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  run_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  ts DATETIME(3) NOT NULL,
  event_type VARCHAR(32) NOT NULL DEFAULT '',
  level VARCHAR(16) NOT NULL DEFAULT 'info',
  code VARCHAR(64) NOT NULL DEFAULT '',
  message TEXT,
  params_json TEXT,
  created_at DATETIME(3) NOT NULL
);
CREATE UNIQUE INDEX uq_run_events_seq ON s3_cloudbackup_run_events (run_id, seq);

CREATE TABLE s3_cloudbackup_run_commands (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  run_id BIGINT NULL,
  job_id BIGINT NULL,
  agent_id BIGINT NOT NULL,
  client_id BIGINT NOT NULL,
  type VARCHAR(32) NOT NULL,
  payload_json TEXT,
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  result_message LONGTEXT,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  delivered_at DATETIME(3) NULL,
  completed_at DATETIME(3) NULL
);
CREATE INDEX idx_commands_agent_status ON s3_cloudbackup_run_commands (agent_id, status);
CREATE INDEX idx_commands_run ON s3_cloudbackup_run_commands (run_id);

CREATE TABLE s3_cloudnas_mounts (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  client_id BIGINT NOT NULL,
  agent_id BIGINT NOT NULL,
  bucket_name VARCHAR(255) NOT NULL,
  prefix VARCHAR(1024) DEFAULT '',
  drive_letter CHAR(1) NOT NULL,
  read_only TINYINT DEFAULT 0,
  persistent TINYINT DEFAULT 1,
  cache_mode VARCHAR(20) DEFAULT 'full',
  status VARCHAR(20) DEFAULT 'unmounted',
  error TEXT DEFAULT NULL,
  job_id BIGINT NULL,
  manifest_id VARCHAR(255) NULL,
  last_mounted_at DATETIME(3) DEFAULT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
);
CREATE INDEX idx_nas_client ON s3_cloudnas_mounts (client_id);
CREATE INDEX idx_nas_agent ON s3_cloudnas_mounts (agent_id);
CREATE INDEX idx_nas_client_agent_letter ON s3_cloudnas_mounts (client_id, agent_id, drive_letter);
CREATE INDEX idx_nas_status ON s3_cloudnas_mounts (status);

CREATE TABLE s3_cloudnas_settings (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  client_id BIGINT NOT NULL,
  settings_json TEXT,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
);
CREATE UNIQUE INDEX uq_nas_settings_client ON s3_cloudnas_settings (client_id);

CREATE TABLE sim_email_outbox (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  client_id BIGINT NULL,
  run_id BIGINT NULL,
  to_address VARCHAR(255) NOT NULL,
  subject VARCHAR(512) NOT NULL,
  body TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  sent_at DATETIME(3) NULL,
  send_error TEXT
);
