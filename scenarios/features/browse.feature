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
