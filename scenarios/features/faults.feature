@faults
Feature: Faults injected on both sides never cost an update, a byte or the agent
  WireMock relays stand in front of the real addon and the real S3 server and inject what real
  servers do on a bad day. Each scenario first proves every planned fault fired.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: a flaky addon (500s, resets, cut JSON, slow answers, a timeout) loses no update and the run ends success
    Given the agent talks to the addon through a relay that injects
      | request                         | fault          | on requests |
      | agent_next_run.php              | http 500       | 1,3         |
      | agent_next_run.php              | malformed json | 2           |
      | agent_next_run.php              | reset          | 4           |
      | agent_update_run.php            | http 500       | 2,5         |
      | agent_update_run.php            | reset          | 3           |
      | agent_update_run.php            | malformed json | 7           |
      | agent_update_run.php            | slow 4000      | 9           |
      | agent_update_run.php            | timeout        | 11          |
      | agent_push_events.php           | http 503       | 1           |
      | agent_push_events.php           | reset          | 2           |
      | agent_push_events.php           | malformed json | 3           |
      | agent_poll_pending_commands.php | http 500       | 2           |
      | agent_poll_pending_commands.php | reset          | 4           |
      | agent_poll_pending_commands.php | slow 3000      | 6           |
    And a folder generated from seed 41 with the "small" tree
    And a slow sync job for that folder limited to 48 KiB/s
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And every fault the addon relay was told to inject fired
    And the run's events are complete, each once, ending with "BACKUP_COMPLETED"
    And every object under "slow" in bucket "slow" equals its source file byte for byte
    And the agent process is still running

  Scenario: a cancel sent through a flaky addon still ends the run cancelled
    Given the agent talks to the addon through a relay that injects
      | request                         | fault          | on requests |
      | agent_poll_pending_commands.php | http 500       | 3,4         |
      | agent_poll_pending_commands.php | reset          | 6           |
      | agent_update_run.php            | malformed json | 2           |
      | agent_update_run.php            | reset          | 4           |
    And a folder generated from seed 43 with the "small" tree
    And a slow sync job for that folder limited to 32 KiB/s
    When the client starts a run of the job
    And the run has transferred some bytes
    And the client requests "cancel" for the run
    Then the run ends "cancelled" within 60 seconds
    And every fault the addon relay was told to inject fired
    And the run's events are complete, each once, ending with "BACKUP_CANCELLED"
    And the agent process is still running

  Scenario: hostile command payloads fail one by one and the agent keeps working
    Given the agent talks to the addon through a relay that injects
      | request              | fault    | on requests |
      | agent_next_run.php   | http 500 | 1           |
    When the addon's next answer to the agent's command poll holds these hostile commands
      | type               | run_id    | payload                                                                                       |
      | format_disk        |           | {}                                                                                            |
      | restore            | 987654321 | {"restore_run_id":987654321,"target_path":"\u0000","paths":"not a list","overwrite":"shred"} |
      | restore            |           | {"restore_run_id":null}                                                                       |
      | browse_directory   |           | {"path":"C:/../../../etc"}                                                                    |
      | browse_directory   |           | {"path":42}                                                                                   |
      | maintenance_full   |           | {}                                                                                            |
      | nas_mount          |           | {"mount_id":"x","drive_letter":"!!","bucket":"","endpoint":"not a url"}                       |
      | nas_mount_snapshot |           | {"mount_id":1,"manifest_id":"../../x"}                                                        |
    Then within 30 seconds the agent reported each hostile command failed
    And the agent process is still running
    Given a folder generated from seed 44 with the "small" tree
    And a sync job for that folder to bucket "after" under prefix "after"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds

  Scenario: a sync backup and its restore through S3 faults (SlowDown, 500 on UploadPart, resets, truncated bodies, a wrong ETag) come back byte for byte
    Given a folder generated from seed 45 with the "small" tree and a 24 MiB file
    And S3 is reached through a relay that injects
      | request         | fault          | on requests |
      | PUT partNumber= | http 500       | 1,3         |
      | PUT /           | http 503       | 1,4         |
      | PUT /           | reset          | 7           |
      | PUT /           | wrong etag     | 10          |
      | GET /           | reset mid-body | 3           |
      | GET /           | truncated      | 5           |
      | GET /           | http 503       | 7           |
    And a sync job for that folder to bucket "s3faults" under prefix "data"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And every object under "data" in bucket "s3faults" equals its source file byte for byte
    When the client restores run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder equals the folder as it was at run 1
    And every fault the S3 relay was told to inject fired

  Scenario: a kopia backup and its restore through S3 faults restore the snapshot byte for byte
    Given a folder generated from seed 46 with the "small" tree and a 24 MiB file
    And S3 is reached through a relay that injects
      | request | fault          | on requests |
      | PUT /   | http 503       | 1,3         |
      | PUT /   | reset          | 5           |
      | PUT /   | wrong etag     | 6           |
      | GET /   | reset mid-body | 4           |
      | GET /   | truncated      | 6           |
      | GET /   | http 500       | 8           |
    And a kopia job for that folder to bucket "s3faults-kopia" under prefix "repo"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When the client restores run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder equals the folder as it was at run 1
    And every fault the S3 relay was told to inject fired
