@console
Feature: The simulation console: a person backs up and restores through the addon's pages
  The fake addon serves the WHMCS client and admin pages of the simulation. A person drives them in
  headless Chromium: builds a job in the wizard, picking a folder of the agent's computer in the
  remote folder browser, starts it, watches the live view reach success, restores one file into
  another folder; the admin sees the agent, the runs and queues maintenance. The agent is a real
  process, the data goes to a real S3 server.

  Background:
    Given the fake addon, an S3 server and an agent process are running
    And the client's console is open in a headless browser

  Scenario: a job made in the wizard backs up a picked folder, live, and one file is restored elsewhere
    Given the folder "C:\Users\demo\Documents" on the agent's computer holds the "small" tree from seed 21
    And the agent's computer has an empty folder "C:\Restored"
    And the client has a bucket "console"
    When the person creates a "sync" job in the wizard, picking "C:\Users\demo\Documents" in the folder browser
    Then the job is stored with the picked folder, the schedule and no password in the page
    When the person starts the job from the jobs list
    Then the live view shows the run moving, then "success" with every file counted
    And the live view's events include "BACKUP_STARTING" and "BACKUP_COMPLETED"
    And every object under "console/sync" in bucket "console" equals its source file byte for byte
    When the person restores "docs/doc 03.txt" of that run into "C:\Restored" picked in the folder browser
    Then the live view shows the run reaching "success"
    And "C:\Restored\docs\doc 03.txt" on the agent's computer equals "docs/doc 03.txt" of the backed-up folder
    And the runs page lists the backup and the restore with the "Sync (rclone)" engine
    And the run's detail page shows its events and the addon's log

  Scenario: a network path typed in the wizard asks for the share's credentials and the backup logs on with them
    Given share "\\fs\docs" of the agent's host accepts user "CORP\alice" with password "Console-share-pw1"
    And the share holds a folder "projects" generated from seed 22 with the "small" tree
    And the client has a bucket "console-unc"
    When the person creates a sync job in the wizard for the network path "\\fs\docs\projects" typed by hand with the share's credentials
    Then the job is stored with the share's credentials and the page never shows the password
    When the person starts the job from the jobs list
    Then the live view shows the run reaching "success"
    And the agent's host logged on to "\\fs\docs" before the run and off after it

  Scenario: the live view's cancel button stops a running backup
    Given the folder "C:\Data" on the agent's computer holds the "demo" tree from seed 23
    And the client has a bucket "console-cancel"
    When the person creates a "sync" job in the wizard, picking "C:\Data" in the folder browser
    And the person starts the job from the jobs list
    And the person cancels the run in the live view
    Then the live view shows the run reaching "cancelled"

  Scenario: the admin page shows the agent online, every run with engine and log reference, and queues maintenance
    Given a folder generated from seed 24 with the "small" tree
    And a kopia job for that folder to bucket "console-admin" under prefix "admin/kopia"
    When the client starts a run of the job
    Then the run ends "success" within 180 seconds
    When the admin opens the admin page
    Then the admin page lists the agent "online" with its last-seen time
    And the admin page lists the run with engine "kopia", its destination and log reference
    When the admin queues "Quick maintenance" for the job
    Then the admin page shows the command "completed"

  Scenario: a person adds a Cloud NAS drive for a bucket, mounts it and sees it mounted with its cache used
    Given a bucket "console-nas" of the client holding "docs/readme.txt" and "docs/sub/deep.txt"
    When the person adds drive "Y" for that bucket on the Cloud NAS page
    And the person mounts "Y:" from its card
    Then the card of "Y:" shows "mounted" and the cache used the agent reported
    When the person unmounts "Y:" from its card
    Then the card of "Y:" shows "unmounted" and the cache used the agent reported

  Scenario: a person browses a folder of an older snapshot in Time Machine and compares it with the newer one
    Given a folder generated from seed 25 with the "small" tree
    And a kopia job for that folder to bucket "console-tm" under prefix "tm" with password "console time machine"
    When the client starts a run of the job
    Then the run ends "success" within 240 seconds
    When the file "docs/doc 03.txt" is deleted from the folder
    And a file "docs/new notes.txt" of 5000 bytes is added to the folder
    And the client starts a run of the job
    Then the run ends "success" within 240 seconds
    When the person opens Time Machine for the job and browses "docs" in the older snapshot
    Then the listing shows the folders first and "doc 03.txt" with its size
    When the person compares the older snapshot with the newer one
    Then the comparison lists "docs/doc 03.txt" as "removed" and "docs/new notes.txt" as "added"
