@s3compat @rgw @kopia
Feature: Object lock keeps a kopia repository's history from anyone holding the agent's keys
  A job whose policy sets object_lock has the agent create its bucket with S3 Object Lock and write
  every repository blob with a retention date, as Kopia's --retention-mode does. A thief with the
  agent's own S3 keys can then hide a blob behind a delete marker but cannot delete a locked
  version. S3Proxy has no object lock, so this runs in the Ceph RGW pass only (CI, -Prgw).

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: a kopia job with object lock backs up into a locked bucket, and a locked pack cannot be deleted with the agent's keys
    Given a folder generated from seed 35 with the "small" tree
    And a kopia job with object lock "GOVERNANCE" for 1 day for that folder to a new bucket "locked-kopia" under prefix "repo" with password "locked away"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run recorded a snapshot manifest id
    And the repository's packs and format blob under "repo" are locked in "GOVERNANCE" mode for at least 23 hours
    And deleting a locked pack version with the agent's keys is refused and the version stays
    When the client restores run 1 of the job to a new folder
    Then the restore ends "success" within 240 seconds
    And the restored folder equals the folder as it was at run 1
