@troubleshooting @windows
Feature: The seed's Cloud NAS troubleshooting failures, reproduced on the simulated Windows host and met by the agent
  The seed's "Known Issues & Troubleshooting" lists what made Cloud NAS drives fail on real PCs: a
  drive mapped by an elevated agent is invisible to Explorer, WebClient keeps a stale port after a
  remount, WebClient is stopped, and WebClient refuses files above FileSizeLimitInBytes (50 MB by
  default). Each scenario first shows the simulated host fails the way Windows does, then that the
  agent gets past it.

  Scenario: a drive mounted while the agent runs elevated, as the service does, reaches the user's Explorer through the tray helper
    Given the fake addon, an S3 server and an elevated agent process are running
    And a bucket "nastray" of the client holding "a.txt" and "b.txt"
    And a drive an elevated program maps on the agent's host is invisible to Explorer
    And user "ann" is signed in on the agent's host and the agent serves her session's tray pipe
    When the client creates a Cloud NAS drive "T" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And Explorer on the agent's host does not show drive "T:"
    When the tray helper runs once in the user's session
    Then Explorer on the agent's host shows drive "T:" labelled "Cloud NAS" with the bucket's name, mapped in the user's standard session and announced
    And the tray helper asked over its session's pipe, and another user's connect to that pipe is refused
    When the client unmounts the drive
    Then the drive's status becomes "unmounted" within 60 seconds
    When the tray helper runs once in the user's session
    Then Explorer on the agent's host does not show drive "T:"

  Scenario: with EnableLinkedConnections an elevated agent's own mapping is visible, so it maps the drive itself
    Given the agent's Windows host has EnableLinkedConnections set
    And the fake addon, an S3 server and an elevated agent process are running
    And a bucket "naslinked" of the client holding "a.txt" and "b.txt"
    When the client creates a Cloud NAS drive "L" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And Explorer on the agent's host shows drive "L:" mapped by the agent's elevated session

  Scenario: WebClient stopped: the agent starts it before mapping
    Given mapping a WebDAV drive on the agent's host fails with ERROR_BAD_NET_NAME while WebClient is stopped
    And the fake addon, an S3 server and an agent process are running
    And a bucket "naswebclient" of the client holding "a.txt" and "b.txt"
    When the client creates a Cloud NAS drive "W" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And WebClient runs on the agent's host, started by the agent before it mapped "W:"

  Scenario: a stale WebDAV port after a remount: the agent deletes the old mapping first
    Given drive "S:" of the agent's host is still mapped to the WebDAV port of an earlier agent process
    And a new mapping to another port of 127.0.0.1 on the agent's host is served stale, naming the old port
    And the fake addon, an S3 server and an agent process are running
    And a bucket "nasstale" of the client holding "a.txt" and "b.txt"
    When the client creates a Cloud NAS drive "S" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And drive "S:" of the agent's host is mapped to the agent's address and not served stale

  Scenario: a 60 MB file is refused by WebClient's 50 MB default limit: the drive's status warns about it
    Given a bucket "nasbig" of the client holding "a.txt" and "b.txt"
    And the bucket also holds "video.mp4" of 60000000 bytes
    And Windows on the agent's host refuses to copy a file of 60000000 bytes over WebDAV with ERROR_FILE_TOO_LARGE
    And the fake addon, an S3 server and an agent process are running
    When the client creates a Cloud NAS drive "V" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And the drive's warning mentions "FileSizeLimitInBytes" and "video.mp4"
