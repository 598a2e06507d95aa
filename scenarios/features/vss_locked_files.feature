@vss @windows
Feature: Files other programs hold open are backed up from VSS shadow copies
  Issue 17: a file held open without sharing (an open Outlook PST) cannot be opened on its drive
  (ERROR_SHARING_VIOLATION, 32), so a backup without VSS skips it with a warning; with the job's
  vss_mode on and the agent elevated (as the service is), the backup reads the source from a shadow
  copy of its volume, gets the file byte for byte, and releases the copy at the end. The agent runs
  on the simulated Windows host, which models the lock and the shadow copies.

  Background:
    Given the fake addon, an S3 server and an elevated agent process are running
    And a folder "C:\Users\ann\Mail" on the agent's Windows host holding "outlook.pst" of 300000 bytes and "notes.txt"
    And "OUTLOOK.EXE" holds "C:\Users\ann\Mail\outlook.pst" open

  Scenario: sync: the locked PST is skipped with VSS off and uploaded byte-identical with VSS on
    Given a sync job for that Windows folder to bucket "vss" under prefix "mail" with vss_mode "never"
    When the client starts a run of the job
    Then the run ends "warning" within 120 seconds
    And the run's "SYNC_FILE_SKIPPED" event names "outlook.pst" and "ERROR_SHARING_VIOLATION"
    And the bucket has no object "mail/outlook.pst"
    When the job's vss_mode is set to "when_available"
    And the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the run's events include "VSS_SHADOW_CREATED" and "VSS_SHADOW_RELEASED"
    And the object "mail/outlook.pst" equals the locked file byte for byte
    And the agent's Windows host has no shadow copy left

  Scenario: kopia: the locked PST is left out with VSS off and snapshotted byte-identical with VSS on
    Given a kopia job for that Windows folder to bucket "vssk" under prefix "mail" with vss_mode "never"
    When the client starts a run of the job
    Then the run ends "warning" within 120 seconds
    And the run's "FILE_SKIPPED" event names "outlook.pst" and "ERROR_SHARING_VIOLATION"
    When the job's vss_mode is set to "always"
    And the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the run's events include "VSS_SHADOW_CREATED" and "VSS_SHADOW_RELEASED"
    And the agent's Windows host has no shadow copy left
    When the client restores run 2 of the job to a new folder
    Then the restore ends "success" within 120 seconds
    And the restored "outlook.pst" equals the locked file byte for byte

  Scenario: always fails the run with VSS's reason when there is no shadow storage left
    Given the agent's Windows host has no shadow storage left on drive C
    And a sync job for that Windows folder to bucket "vssfull" under prefix "mail" with vss_mode "always"
    When the client starts a run of the job
    Then the run ends "failed" within 120 seconds
    And the run's error mentions "INSUFFICIENT_STORAGE (6)"
    And the agent's Windows host has no shadow copy left
