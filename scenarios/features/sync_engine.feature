@sync
Feature: The sync engine mirrors folders to S3 like rclone and restores them byte for byte
  A sync job copies its folder one way to s3://bucket/prefix/, uploading only what changed (proven
  by counting the agent's S3 requests at a relay), and a restore downloads the prefix back with
  the files' modification times.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: first sync, a no-change re-sync that uploads nothing, 1 % changed, and a mirror restore
    Given the agent's S3 traffic goes through a counting relay
    And a folder generated from seed 31 with the "small" tree
    And a sync job for that folder to bucket "sync" under prefix "pc/docs"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And every object under "pc/docs" in bucket "sync" equals its source file byte for byte
    When the relay forgets the requests it has seen
    And the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the relay saw no upload and the run reports 0 bytes uploaded
    When one percent of the folder's files are edited
    And the relay forgets the requests it has seen
    And the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the relay saw one upload per edited file and no other
    And every object under "pc/docs" in bucket "sync" equals its source file byte for byte
    When the client restores the latest run into a folder holding an extra file, deleting extras
    Then the restore ends "success" within 120 seconds
    And the restored folder equals the source folder, modification times included

  Scenario: mirror mode deletes the objects of deleted files and the filters keep excluded files out
    Given a folder generated from seed 32 with the "small" tree
    And a mirror sync job for that folder to bucket "mirror" under prefix "m" excluding "media/*.mov,data/**"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the objects under "m" are exactly the folder's files without "media/*.mov" and "data/**"
    When 2 files of the folder's "docs" are deleted
    And the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the objects under "m" are exactly the folder's files without "media/*.mov" and "data/**"

  Scenario: a 200 MiB file goes up in parts and comes back by parallel ranged downloads
    Given the agent's S3 traffic goes through a counting relay
    And a folder holding one 200 MiB file
    And a sync job for that folder to bucket "big" under prefix "big"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the relay saw 1 multipart upload of 25 parts
    When the relay forgets the requests it has seen
    And the client restores the latest run to a new folder
    Then the restore ends "success" within 240 seconds
    And the relay saw at least 25 ranged downloads
    And the restored folder equals the source folder, modification times included

  Scenario: a file the agent cannot read is skipped and counted, and the run ends warning
    Given a folder generated from seed 33 with the "small" tree
    And a sync job for that folder and a file the agent cannot read to bucket "unreadable" under prefix "u"
    When the client starts a run of the job
    Then the run ends "warning" within 120 seconds
    And the run counts 1 skipped file and its events include "SYNC_FILE_SKIPPED"

  Scenario: a file that keeps changing while it is read is retried, then skipped with a warning
    Given a folder of 3 files of 32 KiB each
    And a sync job for that folder reading local files at 64 KiB/s to bucket "changing" under prefix "c"
    And a program appends to "f00.bin" every 100 ms while the run goes on
    When the client starts a run of the job
    Then the run ends "warning" within 120 seconds
    And the run counts 1 skipped file and its events include "SYNC_FILE_SKIPPED"

  Scenario: the bandwidth limit holds within 10 % across parallel uploads
    Given the agent's S3 traffic goes through a counting relay
    And a folder of 24 files of 64 KiB each
    And a slow sync job for that folder limited to 256 KiB/s
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And the relay measured uploads at 256 KiB/s within 10 %

  Scenario: a cancel stops a sync mid-run and leaves it cancelled
    Given a folder generated from seed 35 with the "small" tree
    And a slow sync job for that folder limited to 32 KiB/s
    When the client starts a run of the job
    And the run has transferred some bytes
    And the client requests "cancel" for the run
    Then the run ends "cancelled" within 15 seconds
    And fewer objects than the folder has files are under "slow"
