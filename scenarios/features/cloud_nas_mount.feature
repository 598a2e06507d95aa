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

  Scenario: a letter mapped to another share, a letter outside A-Z and a missing bucket each reach the addon as an error with its reason, and the agent keeps serving drives
    Given the agent talks to the addon through a relay
    And the agent's host has drive "Z:" mapped to share "\\fs\docs"
    And a bucket "nasok" of the client holding "a.txt" and "b.txt"
    When the client creates a Cloud NAS drive "Z" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "error" within 60 seconds
    And the drive's error mentions "already mapped to \\fs\docs"
    And the agent's host still maps drive "Z:" to "\\fs\docs"
    When the client creates a Cloud NAS drive "7" for that bucket, it is refused with HTTP 400 naming "drive_letter"
    And the client creates a Cloud NAS drive "U" for that bucket with cache mode "off"
    And the addon's next command poll hands the agent a nas_mount of that drive on letter "7"
    Then the drive's status becomes "error" within 60 seconds
    And the drive's error mentions "not one letter from A to Z"
    Given a bucket "nasgone" of the client that S3 does not hold
    When the client creates a Cloud NAS drive "V" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "error" within 60 seconds
    And the drive's error mentions "does not exist"
    And the agent's host has no drive "V:"
    And the agent process is still running
    Given a bucket "nasafter" of the client holding "c.txt" and "d.txt"
    When the client creates a Cloud NAS drive "W" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And a WebDAV client lists "c.txt" in "" on the drive

  Scenario: Cloud NAS settings saved through the addon reach the next mount, whose transfers keep to the bandwidth limits
    Given a bucket "nasbw" of the client holding "a.txt" and "b.txt"
    When the client saves Cloud NAS settings with the bandwidth limit on, upload 128 KB/s and download 256 KB/s
    Then the client's Cloud NAS settings read back the bandwidth limit on, upload 128 KB/s and download 256 KB/s
    When the client creates a Cloud NAS drive "S" for that bucket with cache mode "off"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    And a WebDAV client writes 384 KiB to "bw/up.bin" on the drive at 128 KB/s, within 15 %
    And a WebDAV client reads "bw/up.bin" back byte for byte at 256 KB/s, within 15 %

  Scenario: a persistent drive is mounted again when the agent restarts
    Given a bucket "nasauto" of the client holding "a.txt" and "b.txt"
    When the client creates a Cloud NAS drive "X" for that bucket with cache mode "writes"
    And the client mounts the drive
    Then the drive's status becomes "mounted" within 60 seconds
    When the agent process is killed and started again
    Then the agent's host maps drive "X:" to a new address within 60 seconds
    And the drive's status is "mounted"
    And a WebDAV client lists "a.txt" in "" on the drive
