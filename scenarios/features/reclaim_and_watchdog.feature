@reclaim
Feature: A run stays with its agent, and the watchdog fails runs whose agent went silent
  The addon's "Heartbeats, watchdog, and resume" rules as an agent experiences them (the
  scenarios run with a 10 s reclaim grace and a 60 s watchdog timeout instead of 180 s / 720 s).

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: an agent that dies for good has its run failed as AGENT_OFFLINE, and no other agent takes it
    Given a second agent of the same client is running
    And a folder generated from seed 16 with the "small" tree
    And a slow sync job for that folder limited to 32 KiB/s
    When the client starts a run of the job
    And the run has transferred some bytes
    And the agent process is killed
    Then the run ends "failed" within 180 seconds
    And the run's error mentions "AGENT_OFFLINE"
    And the run was never handed to the second agent
