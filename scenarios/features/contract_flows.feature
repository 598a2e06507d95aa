@contract
Feature: The seed's agent-server contract, flow by flow
  What docs/agent-api.md promises and the seed describes, each flow driven end to end: the real
  agent process, the fake addon, a real S3 server and (for mail) a real SMTP server.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: a job with two sources backs each up under its own folder
    Given folders "docs" and "photos" generated from seeds 21 and 22 with the "small" tree
    And a sync job for both folders to bucket "multi" under prefix "multi"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And every object under "multi/docs" equals folder "docs" byte for byte
    And every object under "multi/photos" equals folder "photos" byte for byte

  Scenario: the client changes a job's source and prefix and the next run uses them
    Given a folder generated from seed 23 with the "small" tree
    And a sync job for that folder to bucket "upd" under prefix "before"
    And a second folder "other" generated from seed 24 with the "small" tree
    When the client updates the job's source to folder "other" and its prefix to "after"
    And the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And every object under "after" equals folder "other" byte for byte
    And nothing was written under "before"

  Scenario: a run that ends mails the job's address through the SMTP relay
    Given a folder generated from seed 25 with the "small" tree
    And a sync job for that folder to bucket "mail" under prefix "mail" that mails "ops-<uid>@example.com" on "always"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the SMTP server received one mail to that address saying the run ended "success"
    When the client restores the latest run to a new folder
    Then the restore ends "success" within 120 seconds
    And the SMTP server also received a mail to that address saying the restore ended "success"

  Scenario: a job that mails on failure stays quiet on success and mails when a run fails
    Given a folder generated from seed 26 with the "small" tree
    And a sync job for that folder to bucket "quiet" under prefix "quiet" that mails "quiet-<uid>@example.com" on "failure"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the SMTP server received no mail to that address
    Given a sync job for a folder that does not exist that mails "loud-<uid>@example.com" on "failure"
    When the client starts a run of the job
    Then the run ends "failed" within 120 seconds
    And the SMTP server received one mail to that address saying the run ended "failed"

  Scenario: the client sees live speed, ETA, current item and counters while a run goes on
    Given a folder generated from seed 27 with the "small" tree
    And a slow sync job for that folder limited to 64 KiB/s
    When the client starts a run of the job
    Then while the run goes on the client sees its speed, ETA, current item and counters
    And the run ends "success" within 120 seconds

  Scenario: an old agent's agent_fetch_jobs and agent_start_run still work, and the agent finishes that run
    Given a folder generated from seed 28 with the "small" tree
    And a sync job for that folder to bucket "legacy" under prefix "legacy"
    When the agent's legacy endpoints list its jobs and start a run of the job
    Then the listed job carries the job's source and destination and no run id
    And the run ends "success" within 120 seconds
    And every object under "legacy" in bucket "legacy" equals its source file byte for byte

  Scenario: an admin requests quick maintenance of a kopia job and the agent runs it
    Given a folder generated from seed 29 with the "small" tree
    And a kopia job for that folder to bucket "adm" under prefix "adm"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    When an admin requests "maintenance_quick" for the job
    Then the admin's command ends "completed" within 120 seconds

  @slow
  Scenario: a scheduled job runs on its slot, and a slot that comes during the run is recorded as skipped
    Given a folder generated from seed 30 with the "small" tree
    And a slow sync job for that folder limited to 10 KiB/s scheduled every minute
    Then within 150 seconds the scheduler starts a run with trigger "schedule"
    And within 150 seconds a slot during that run is recorded as "skipped" naming it
    And the run ends "success" within 240 seconds

  @missedslot
  Scenario: a schedule slot missed while the addon is down runs once, as "missed", when it is back
    Given an addon of its own whose clock stands at "2026-11-25T13:00:00Z" and whose scheduler runs only when told
    And on that addon, a sync job for a folder generated from seed 33 runs hourly at minute 30
    When the scheduler runs at "2026-11-25T13:10:00Z"
    Then it queues nothing
    When the addon is down until "2026-11-25T18:05:00Z", its scheduler silent through five slots
    And the addon is back and its scheduler runs
    Then it queues exactly one run, with trigger "missed", not one per missed slot
    And the agent runs it to "success" within 120 seconds and the bucket holds the folder
    And the job's next run is planned for "2026-11-25T18:30:00Z" and running the scheduler again queues nothing

  Scenario: the agent's doctor finds the addon and S3 reachable, and the agent installs itself as a service
    When the agent's command line runs "doctor" with the agent's config
    Then it exits 0 and prints "verdict: healthy"
    When the agent's command line runs "service install" with the agent's config
    Then it exits 1 and prints "needs an elevated (Administrator) process"
    When an administrator runs the agent's command line "service install" with the agent's config
    Then it exits 0 and prints "installed service E3BackupAgent"
    When the agent's command line runs "service status" with the agent's config
    Then it exits 0 and prints "service E3BackupAgent: STOPPED"
