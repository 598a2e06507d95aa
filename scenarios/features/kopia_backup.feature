@kopia
Feature: The Backup engine keeps Kopia-format snapshots that restore byte for byte
  A kopia job snapshots its folder into an encrypted, deduplicated repository on S3; later runs
  are incremental; any snapshot restores to another folder exactly as it was.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: first backup, incremental backup, and restores of either snapshot
    Given a folder generated from seed 21 with the "small" tree
    And a kopia job for that folder to bucket "kopia" under prefix "repo" with password "correct horse battery staple"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When one percent of the folder's files change
    And the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When the client restores run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder equals the folder as it was at run 1
    And the restore run's events hold "RESTORE_STARTING, KOPIA_RESTORE_STARTING, KOPIA_RESTORE_COMPLETED, RESTORE_COMPLETED" once each
    When the client restores run 2 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder equals the folder as it was at run 2

  Scenario: a job with the wrong repository password fails clearly
    Given a folder generated from seed 22 with the "small" tree
    And a kopia job for that folder to bucket "kopiapw" under prefix "repo" with password "the right password"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    Given a kopia job for that folder to the same repository with password "a wrong password"
    When the client starts a run of the job
    Then the run ends "failed" within 120 seconds
    And the run's error mentions "password"

  Scenario: an agent killed with kill -9 mid-backup leaves a repository the next run completes
    Given a folder generated from seed 23 with the "demo" tree
    And a kopia job for that folder to bucket "kopiakill" under prefix "repo" with password "kill nine" limited to 512 KiB/s
    When the client starts a run of the job
    And the run has transferred some bytes
    And the agent process is killed and started again
    Then the run ends "success" within 300 seconds
    When the client restores run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder equals the folder as it was at run 1

  Scenario: three backups later, the snapshot from two runs ago and a selection of it restore byte for byte
    Given a folder generated from seed 24 with the "small" tree
    And a kopia job for that folder to bucket "kopiaold" under prefix "repo" with password "three runs"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When one percent of the folder's files change with seed 5
    And the file "docs/doc 03.txt" is deleted from the folder
    And the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When one percent of the folder's files change with seed 6
    And a file "docs/new notes.txt" of 5000 bytes is added to the folder
    And the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When the client restores run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder equals the folder as it was at run 1
    When the client restores only "docs/doc 03.txt, data/nested" of run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder holds only "docs/doc 03.txt, data/nested" as they were at run 1
