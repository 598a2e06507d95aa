@runtime
Feature: The agent runtime keeps runs alive, stoppable and honest
  Commands run beside backups, heartbeats outlive stalls, outages lose no update, a killed agent
  picks its own run up again, the filesystem browser answers the job wizard, and UNC sources are
  logged on to with the job's credentials without the password ever showing.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: a cancel stops the run within seconds and leaves it cancelled
    Given a folder generated from seed 11 with the "small" tree
    And a slow sync job for that folder limited to 32 KiB/s
    When the client starts a run of the job
    And the run has transferred some bytes
    And the client requests "cancel" for the run
    Then the run ends "cancelled" within 15 seconds

  @slow
  Scenario: heartbeats keep a run alive while S3 stalls longer than the watchdog timeout
    Given a folder generated from seed 12 with the "small" tree
    And S3 stalls every upload for 85 seconds from the first one
    And a sync job for that folder to bucket "stall" under prefix "stall"
    When the client starts a run of the job
    Then the run is still alive by its heartbeats when S3 has stalled longer than the watchdog timeout
    And the run ends "success" within 200 seconds

  Scenario: the addon is down for 30 seconds mid-run and no update is lost
    Given the agent talks to the addon through a relay
    And a folder generated from seed 13 with the "small" tree
    And a slow sync job for that folder limited to 48 KiB/s
    When the client starts a run of the job
    And the run has transferred some bytes
    And the addon is unreachable for 30 seconds
    Then the run ends "success" within 180 seconds
    And the run's events arrived in order, once each, ending with "BACKUP_COMPLETED"
    And the agent dropped no report

  Scenario: an agent killed mid-run is restarted, reclaims its own run and finishes it
    Given a folder generated from seed 14 with the "small" tree
    And a slow sync job for that folder limited to 48 KiB/s
    When the client starts a run of the job
    And the run has transferred some bytes
    And the agent process is killed and started again
    Then the run ends "success" within 180 seconds
    And the run's events include "AGENT_RECLAIMED" and "BACKUP_COMPLETED"
    And every object under "slow" in bucket "slow" equals its source file byte for byte

  Scenario: the job wizard browses the agent's drives and a folder of 1,500 entries
    Given drive "C:" of the agent's host has a folder "big" with 1500 entries
    When the client browses "" on the agent
    Then the listing shows drive "C:"
    When the client browses "C:\big" on the agent
    Then the listing has 1000 entries of 1500, folders first, and is truncated

  Scenario: a UNC source is backed up with the job's share credentials, never showing the password
    Given share "\\fs\docs" of the agent's host accepts user "CORP\alice" with password "Tr0ub4dor-share"
    And the share holds a folder "projects" generated from seed 15 with the "small" tree
    And a sync job for "\\fs\docs\projects" with those share credentials to bucket "unc" under prefix "unc"
    When the client starts a run of the job
    Then the run ends "success" within 120 seconds
    And every object under "unc" in bucket "unc" equals its source file byte for byte
    And the agent's host logged on to "\\fs\docs" before the run and off after it
    And "Tr0ub4dor-share" appears in no agent log, console output or run event
