@restore-names
Feature: Restores refuse names Windows would read as something else, in both engines
  Issue 13: a restore runs as SYSTEM on Windows, where "C:x" resolves against drive C's current
  folder, "notes.txt:hidden" is an alternate data stream, "CON" is the console, a trailing dot is
  dropped and ".." or an absolute or UNC path leaves the target. The real agent process refuses
  each, naming it: the sync engine skips the object with a warning, the kopia engine fails the
  restore. Names a Linux folder cannot hold (absolute, UNC and ".." paths with Windows' separators)
  reach the sync restore as object keys put straight into the bucket; for kopia, and for "/"-
  separated ".." keys (which HTTP normalises before S3 stores them), they are the unit tables'
  rows (RestoreSafetyTest's names, which the sync restore applies to each "/"-separated part of a
  key; RestorerTest; SyncRestoreSafetyTest; on jimfs' Windows configuration).

  Background:
    Given the fake addon, an S3 server and an agent process are running
    And a folder holding "ok.txt" and, each in a folder of its own, files named:
      | C:x              |
      | notes.txt:hidden |
      | CON              |
      | nul.txt          |
      | COM1             |
      | trailing.        |

  Scenario: a sync restore skips each hostile name, naming it, and writes only the safe file, inside its target
    Given a sync job for that folder to bucket "badnames" under prefix "badnames"
    When the client starts a run of the job
    Then the run ends "success" within 180 seconds
    Given the bucket also holds under the prefix the keys:
      | \\\\server\\share\\escape.txt |
      | C:\\Windows\\escape.txt        |
      | d9/a\\..\\..\\escape.txt     |
    When the client restores that run to a new folder
    Then the restore ends "warning" within 180 seconds
    And the restore's warnings name each hostile name and key
    And the restored folder holds only "ok.txt" and nothing was written beside it

  Scenario: a kopia restore of each hostile name fails, naming it
    Given a kopia job for that folder to bucket "badnamesk" under prefix "repo"
    When the client starts a run of the job
    Then the run ends "success" within 180 seconds
    When the client restores each hostile name's folder of that run to a new folder
    Then each of those restores ends "failed" naming its hostile name, and wrote nothing
