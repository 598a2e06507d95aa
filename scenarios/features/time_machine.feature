@timemachine
Feature: Time Machine: a job's snapshots browsed and compared through the addon
  The client browses any folder of any snapshot and compares two snapshots without restoring
  them; the agent answers from the repository through agent_report_snapshot.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: back up twice with changes, mount the older snapshot as a drive, browse it, compare the two, restore a file that has since gone
    Given a folder generated from seed 31 with the "small" tree
    And a kopia job for that folder to bucket "timemachine" under prefix "repo" with password "time machine"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When the file "docs/doc 03.txt" is deleted from the folder
    And a file "docs/new notes.txt" of 5000 bytes is added to the folder
    And a file "read me.txt" of 300 bytes is added to the folder
    And one percent of the folder's files change with seed 7
    And the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    When the client mounts the snapshot of run 1 as drive "T"
    Then the drive's status becomes "mounted" within 90 seconds
    And the agent's host shows drive "T" labelled Time Machine with the job's name and the date of run 1
    And a WebDAV client reads every file changed since run 1 from the drive as it was then
    When the client unmounts the drive
    Then the drive's status becomes "unmounted" within 60 seconds
    And the agent's host has no drive "T"
    When the client browses "docs" in the snapshot of run 1
    Then the listing holds the files of "docs" as they were at run 1, with sizes and times
    When the client browses "" in the snapshot of run 2
    Then the listing shows the folders first
    When the client compares the snapshots of run 1 and run 2
    Then the comparison equals a brute-force comparison of the folder at run 1 and at run 2
    When the client browses "no/such/folder" in the snapshot of run 1
    Then the snapshot command fails mentioning "no/such/folder"
    When the client restores only "docs/doc 03.txt" of run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder holds only "docs/doc 03.txt" as they were at run 1
