@restore
Feature: Restores in place, with each overwrite rule, and cancelled restores
  The seed's restore pipeline beyond "restore to a new folder": a restore into the source folder
  itself, the overwrite rules of docs/agent-api.md, and a restore the client cancels.

  Background:
    Given the fake addon, an S3 server and an agent process are running
    And a folder generated from seed 31 with the "small" tree
    And a sync job for that folder to bucket "inplace" under prefix "inplace"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds

  Scenario: in place with "skip" keeps a local edit and brings a deleted file back; "always" then restores the backup
    When one file of the folder is edited and another deleted
    And the client restores the latest run in place with overwrite "skip"
    Then the restore ends "success" within 120 seconds
    And the edited file keeps its edit and the deleted file is back
    When the client restores the latest run in place with overwrite "always"
    Then the restore ends "success" within 120 seconds
    And the edited file is as backed up and the deleted file is back

  Scenario: in place with "rename" keeps the local edit and writes the backed-up file beside it
    When one file of the folder is edited and another deleted
    And the client restores the latest run in place with overwrite "rename"
    Then the restore ends "success" within 120 seconds
    And the edited file keeps its edit and the backed-up copy is beside it as "<name> (restored)<ext>"

  Scenario: in place with "if-changed" replaces only what differs
    When one file of the folder is edited and another deleted
    And the client restores the latest run in place with overwrite "if-changed"
    Then the restore ends "success" within 120 seconds
    And the edited file is as backed up and the deleted file is back

  Scenario: a restore the client cancels stops and ends cancelled
    Given S3 answers every download 1500 ms late
    When the client restores the latest run to a new folder
    And the client cancels the restore once it is running
    Then the restore ends "cancelled" within 60 seconds
