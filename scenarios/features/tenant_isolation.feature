@isolation
Feature: One client can never reach another client's agents, jobs, runs, snapshots, mounts, commands or events
  The seed scopes every query to the caller: the other client's ids answer 404 exactly like ids that
  do not exist, the other agent's runs and commands 404, and an agent's token works for that agent
  only. Each refused request must also change nothing the owner can see.

  Scenario: every client endpoint refuses another client's ids and changes nothing
    Given client "alice" with an agent, a bucket, a job, a finished and a queued run, a mount and a command
    And client "mallory" with the same
    When client "mallory" calls each client endpoint with client "alice"'s ids
      | endpoint                        | body                                                                                                   | status | field            |
      | cloudbackup_update_job.php      | {"job_id":{job},"name":"mine now"}                                                                     | 404    |                  |
      | cloudbackup_start_run.php       | {"job_id":{job}}                                                                                       | 404    |                  |
      | cloudbackup_list_runs.php       | {"job_id":{job}}                                                                                       | 404    |                  |
      | cloudbackup_get_run_events.php  | {"run_id":{run}}                                                                                       | 404    |                  |
      | cloudbackup_get_run_logs.php    | {"run_id":{run}}                                                                                       | 404    |                  |
      | cloudbackup_request_command.php | {"type":"cancel","run_id":{queued_run}}                                                                | 404    |                  |
      | cloudbackup_request_command.php | {"type":"maintenance_quick","job_id":{job}}                                                            | 404    |                  |
      | cloudbackup_start_restore.php   | {"run_id":{run},"target_path":"C:/restore"}                                                           | 404    |                  |
      | cloudbackup_start_restore.php   | {"run_id":{my_run},"target_path":"C:/restore","agent_id":{agent}}                                     | 404    | agent_id         |
      | cloudbackup_list_snapshots.php  | {"job_id":{job}}                                                                                       | 404    |                  |
      | agent_browse_filesystem.php     | {"agent_id":{agent},"path":""}                                                                         | 404    | agent_id         |
      | cloudbackup_create_job.php      | {"name":"steal","agent_id":{agent},"source_path":"C:/x","dest_bucket":"{my_bucket}"}                  | 404    | agent_id         |
      | cloudbackup_create_job.php      | {"name":"steal","agent_id":{my_agent},"source_path":"C:/x","dest_bucket":"{bucket}"}                  | 404    | dest_bucket      |
      | cloudnas_create_mount.php       | {"agent_id":{agent},"bucket":"{my_bucket}","drive_letter":"X"}                                         | 404    | agent_id         |
      | cloudnas_create_mount.php       | {"agent_id":{my_agent},"bucket":"{bucket}","drive_letter":"X"}                                         | 404    | bucket           |
      | cloudnas_mount.php              | {"mount_id":{mount}}                                                                                   | 404    |                  |
      | cloudnas_unmount.php            | {"mount_id":{mount}}                                                                                   | 404    |                  |
      | cloudnas_delete_mount.php       | {"mount_id":{mount}}                                                                                   | 404    |                  |
      | cloudnas_mount_snapshot.php     | {"job_id":{job},"run_id":{run},"drive_letter":"T"}                                                     | 404    |                  |
      | cloudnas_settings.php           | {"default_agent_id":{agent}}                                                                           | 404    | default_agent_id |
      | admin_cloudbackup_list_jobs.php | {}                                                                                                     | 401    |                  |
      | admin_cloudbackup_request_command.php | {"type":"cancel","run_id":{queued_run}}                                                          | 401    |                  |
    Then every request was refused as listed, in the contract's JSON
    And "mallory"'s lists show none of "alice"'s ids
    And nothing "alice" can see has changed

  Scenario: every agent endpoint refuses another client's agent, and a token works for its own agent only
    Given client "alice" with an agent, a bucket, a job, a finished and a queued run, a mount and a command
    And client "mallory" with the same
    When agent of "mallory" calls each agent endpoint with "alice"'s ids
      | endpoint                   | body                                                            | status | field |
      | agent_update_run.php       | {"run_id":{run},"status":"failed","error_summary":"hijacked"}   | 404    |       |
      | agent_update_run.php       | {"run_id":{queued_run}}                                         | 404    |       |
      | agent_push_events.php      | {"run_id":{run},"events":[{"seq":99,"code":"HIJACKED"}]}        | 404    |       |
      | agent_complete_command.php | {"command_id":{command},"status":"failed"}                      | 404    |       |
      | agent_report_browse.php    | {"command_id":{command},"error":"hijacked"}                     | 404    |       |
      | cloudnas_update_status.php | {"mount_id":{mount},"status":"error","error":"hijacked"}        | 404    |       |
      | agent_start_run.php        | {"job_id":{job}}                                                | 404    |       |
    And "mallory"'s agent token is sent with "alice"'s agent id on each agent endpoint
    Then every request was refused as listed, in the contract's JSON
    And "mallory"'s lists show none of "alice"'s ids
    And nothing "alice" can see has changed
