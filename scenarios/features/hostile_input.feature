@hostile
Feature: Hostile input gets a clear 4xx and changes nothing
  Oversized values, wrong types, SQL metacharacters, traversal in source and target paths, unknown
  commands and engines, numbers out of range: each answered with the contract's
  {"status":"fail","message","field"} and a 4xx, and the client's jobs, runs, events, mounts and
  settings are exactly as before. (The HTTP-level cases, such as bad charsets and oversized
  bodies, are fake-whmcs-server's HostileInputTest.)

  Scenario: hostile requests to the client endpoints
    Given client "eve" with an agent, a bucket, a job, a finished and a queued run, a mount and a command
    When the client sends each of these requests
      | endpoint                        | body                                                                                                                   | status | field                |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":"{agent}; DROP TABLE s3_cloudbackup_jobs","source_path":"C:/a","dest_bucket":"{bucket}"}      | 400    | agent_id             |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}' OR '1'='1"}                             | 404    | dest_bucket          |
      | cloudbackup_create_job.php      | {"name":["x"],"agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}"}                                       | 400    | name                 |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/Users/../../Windows","dest_bucket":"{bucket}"}                   | 400    | source_paths         |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_paths":{huge_paths},"dest_bucket":"{bucket}"}                                   | 400    | source_paths         |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}","engine":"rclone"}                       | 400    | engine               |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}","dest_prefix":"../other"}               | 400    | dest_prefix          |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}","parallelism":"1e3"}                     | 400    | parallelism          |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}","bandwidth_limit_kbps":18446744073709551616} | 400 | bandwidth_limit_kbps |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}","schedule_json":{"type":"hourly","minute":99}} | 400 | schedule_json |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"C:/a","dest_bucket":"{bucket}","notify_email":"not an address"}         | 400    | notify_email         |
      | cloudbackup_create_job.php      | {"name":"x","agent_id":{agent},"source_path":"{long_path}","dest_bucket":"{bucket}"}                                   | 400    | source_path          |
      | cloudbackup_update_job.php      | {"job_id":"{job} OR 1=1","name":"y"}                                                                                   | 400    | job_id               |
      | cloudbackup_update_job.php      | {"job_id":{job},"encryption_password":"short"}                                                                         | 400    | encryption_password  |
      | cloudbackup_update_job.php      | {"job_id":{job},"network_username":"alice"}                                                                            | 400    | network_password     |
      | cloudbackup_request_command.php | {"type":"format_c","job_id":{job}}                                                                                     | 400    | type                 |
      | cloudbackup_start_restore.php   | {"run_id":{run},"target_path":"C:/restore/../../Windows"}                                                          | 400    | target_path          |
      | cloudbackup_start_restore.php   | {"run_id":{run},"target_path":"{nul}"}                                                                                 | 400    | target_path          |
      | cloudbackup_start_restore.php   | {"run_id":{run},"target_path":"C:/r","overwrite":"shred"}                                                             | 400    | overwrite            |
      | cloudbackup_start_restore.php   | {"run_id":{run},"target_path":"C:/r","paths":["../../etc/passwd"]}                                                    | 400    | paths                |
      | cloudbackup_list_runs.php       | {"limit":100000}                                                                                                       | 400    | limit                |
      | cloudbackup_get_run_events.php  | {"run_id":"1e2"}                                                                                                       | 400    | run_id               |
      | cloudbackup_start_run.php       | {"job_id":{job}}                                                                                                       | 409    |                      |
      | cloudbackup_start_run.php       | {"job_id":{job}} trailing                                                                                              | 400    | body                 |
      | cloudnas_create_mount.php       | {"agent_id":{agent},"bucket":"{bucket}","drive_letter":"AA"}                                                           | 400    | drive_letter         |
      | cloudnas_create_mount.php       | {"agent_id":{agent},"bucket":"{bucket}","drive_letter":"Y"}                                                            | 409    | drive_letter         |
      | cloudnas_create_mount.php       | {"agent_id":{agent},"bucket":"{bucket}","drive_letter":"Q","cache_mode":"turbo"}                                       | 400    | cache_mode           |
      | cloudnas_create_mount.php       | {"agent_id":{agent},"bucket":"{bucket}","drive_letter":"Q","prefix":"../x"}                                            | 400    | prefix               |
      | cloudnas_settings.php           | {"cache_size_gb":-1}                                                                                                   | 400    | cache_size_gb        |
      | agent_browse_filesystem.php     | {"agent_id":{agent},"path":"{long_path}"}                                                                              | 400    | path                 |
    Then every request was refused as listed, in the contract's JSON
    And nothing "eve" can see has changed

  Scenario: hostile requests to the agent endpoints
    Given client "eve" with an agent, a bucket, a job, a finished and a queued run, a mount and a command
    When the agent sends each of these requests
      | endpoint                   | body                                                                  | status | field          |
      | agent_update_run.php       | {"run_id":{queued_run},"status":"exploded"}                           | 400    | status         |
      | agent_update_run.php       | {"run_id":{run},"status":"running"}                                   | 409    |                |
      | agent_update_run.php       | {"run_id":{queued_run},"progress_pct":101}                            | 400    | progress_pct   |
      | agent_update_run.php       | {"run_id":{queued_run},"bytes_total":-5}                              | 400    | bytes_total    |
      | agent_update_run.php       | {"run_id":{queued_run},"bytes_total":1e30}                            | 400    | bytes_total    |
      | agent_update_run.php       | {"run_id":{queued_run},"current_item":"{long_path}"}                  | 400    | current_item   |
      | agent_update_run.php       | {"run_id":{queued_run},"progress_json":"[1,2]"}                       | 400    | progress_json  |
      | agent_update_run.php       | {"run_id":"{queued_run}'; DELETE FROM s3_cloudbackup_runs; --"}       | 400    | run_id         |
      | agent_push_events.php      | {"run_id":{queued_run},"events":{"seq":1}}                            | 400    | events         |
      | agent_push_events.php      | {"run_id":{queued_run},"events":[{"seq":-1}]}                         | 400    | events[0].seq  |
      | agent_push_events.php      | {"run_id":{queued_run},"events":[{"seq":1,"level":"panic"}]}          | 400    | events[0].level |
      | agent_complete_command.php | {"command_id":{command},"status":"maybe"}                             | 400    | status         |
      | agent_report_browse.php    | {"command_id":{command},"result":{}}                                  | 400    | command_id     |
      | cloudnas_update_status.php | {"mount_id":{mount},"status":"exploded"}                              | 400    | status         |
      | agent_start_run.php        | {"job_id":"abc"}                                                      | 400    | job_id         |
    Then every request was refused as listed, in the contract's JSON
    And nothing "eve" can see has changed
