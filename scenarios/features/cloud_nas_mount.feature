@nas-mount
Feature: Cloud NAS drives through the addon
  The seed's "Cloud NAS Feature": a client configures a drive for one of its buckets, the agent
  serves the bucket over WebDAV on 127.0.0.1 and maps it on its (simulated) Windows host with
  WebClient's rules, reports the drive's status and cache size, and unmounts it flushing first.

  Background:
    Given the fake addon, an S3 server and an agent process are running

  @s3compat
  Scenario: a client mounts a bucket as drive Y:, lists and writes through it, unmounts and deletes it
    Given a bucket "nas" of the client holding "docs/readme.txt" and "docs/sub/deep.txt"
    When the client creates a Cloud NAS drive "Y" for that bucket with cache mode "full"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And the agent's host shows drive "Y:" labelled "Cloud NAS" with the bucket's name, owned by the agent's standard session and announced to Explorer
    And a WebDAV client lists "readme.txt" and the folder "sub" in "docs" on the drive
    When a WebDAV client writes "notes/today.txt" with 20000 bytes to the drive
    Then the drive's cache used becomes more than 0 bytes within 30 seconds
    When the client unmounts the drive
    Then the drive's status becomes "unmounted" within 60 seconds
    And the agent's host has no drive "Y:"
    And the bucket holds "notes/today.txt" with 20000 bytes
    When the client deletes the drive
    Then the client has no Cloud NAS drive

  Scenario: a mount that cannot be done reaches the addon with its reason
    Given a bucket "naserr" of the client holding "a.txt" and "b.txt"
    When the client creates a Cloud NAS drive "C" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "error" within 60 seconds
    And the drive's error mentions "C: is a local drive"
    And the agent's host has no drive "C:"

  Scenario: a persistent drive is mounted again when the agent restarts
    Given a bucket "nasauto" of the client holding "a.txt" and "b.txt"
    When the client creates a Cloud NAS drive "X" for that bucket with cache mode "writes"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    When the agent process is killed and started again
    Then the agent's host maps drive "X:" to a new address within 60 seconds
    And the drive's status is "mounted"
    And a WebDAV client lists "a.txt" in "" on the drive
