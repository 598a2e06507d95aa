@browse
Feature: The job wizard's filesystem browser
  The seed's "Remote Filesystem Browser": drives with network drives' UNC paths, and paths that
  try to climb out refused by the agent.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: a mapped network drive is listed with its UNC path
    Given the agent's host has drive "Z:" mapped to share "\\fs\docs"
    When the client browses "" on the agent
    Then the listing shows drive "C:"
    And the listing shows drive "Z:" as a network drive of "\\fs\docs"

  Scenario: a path that climbs out with '..' is refused by the agent
    Given drive "C:" of the agent's host has a folder "big" with 20 entries
    When the client tries to browse "C:\big\..\..\..\etc" on the agent
    Then the browse is refused with HTTP 502 and a message mentioning ".."

  @parkedbrowses
  Scenario: 500 parked browses of other clients neither stall this client's agent nor exceed 10 per client
    Given a folder generated from seed 34 with the "small" tree
    And a sync job for that folder to bucket "parked" under prefix "parked"
    And 50 other clients, each with an agent that is not running
    When each of them parks 10 folder browses on its agent
    Then one more browse from each of them is refused at once with 429 "already waiting"
    When the client starts a run of the job
    Then the agent claims the run within 10 seconds while all 500 browses still wait
    And the run ends "success" within 120 seconds
