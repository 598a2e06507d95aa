@kopia @repohealth
Feature: A Kopia repository stays healthy without anyone asking, and proves it when asked
  After every snapshot the agent applies the job's retention and, as the repository's maintenance
  owner, runs Kopia's scheduled maintenance; an admin or client can ask for a verify of the
  repository and for full maintenance through the addon, and each command completes with its
  summary.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: scheduled maintenance runs after a backup; verify and full maintenance on request complete with their summaries
    Given a folder generated from seed 24 with the "small" tree
    And a kopia job for that folder to bucket "kopiahealth" under prefix "repo" with password "kept healthy"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    And the run's events include "KOPIA_SNAPSHOT_SAVED" and "KOPIA_MAINTENANCE_AUTO"
    When the client requests "verify" for the job
    Then the command ends "completed" within 240 seconds
    And the command's result mentions "repository is healthy"
    When the client requests "maintenance_full" for the job
    Then the command ends "completed" within 240 seconds
    And the command's result mentions "full maintenance"
