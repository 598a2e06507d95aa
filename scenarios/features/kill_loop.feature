@killloop @slow
Feature: A crash-proof agent: killed with SIGKILL again and again, it loses nothing and runs nothing twice
  Issue 13's kill loop. The real agent process is killed with SIGKILL (no shutdown hook, no goodbye
  to the addon) at seeded random moments of sync backups, kopia backups, restores of both engines
  and repository maintenance, and started again each time. The seed's rules for a run an agent
  died in: a backup is reclaimed by its own agent and finished (or had finished, and is not run
  again); a restore or maintenance is reported failed "agent restarted" as soon as the agent is
  back (or had finished and keeps its status). The table of kills (what each one hit) is written
  to target/kill-loop.md.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  Scenario: 20 SIGKILLs across sync backups, kopia backups, restores and maintenance
    Given a folder generated from seed 41 with the "small" tree
    And a sync job and a kopia job for that folder, each limited to 160 KiB/s
    When the agent is killed with SIGKILL at 20 moments drawn from seed 1307, started again after each
    Then every run and command ended as the rules for a killed agent say
    And no run that succeeded ran twice
    And every final status and command completion reached the addon
    And every restore that finished equals the source folder byte for byte
    And a restore of each job without a kill equals the source folder byte for byte
    And a verify of the kopia repository completes saying "repository is healthy"
    And the kill table is in "target/kill-loop.md"
