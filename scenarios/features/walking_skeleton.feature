@skeleton
Feature: A local-agent sync job backs up a folder
  The walking skeleton: the fake addon hands a run to a real agent process, the agent syncs the
  job's folder to a real S3 server and reports progress and a final status back.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: a sync job's run ends success and the bucket holds the folder byte for byte
    Given a folder generated from seed 7 with the "small" tree
    And a sync job for that folder to bucket "skeleton" under prefix "laptop/docs"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And every object under "laptop/docs" in bucket "skeleton" equals its source file byte for byte
    And the run's events include "BACKUP_STARTING" and "BACKUP_COMPLETED"
