@nas
Feature: Cloud NAS served to rclone's WebDAV client
  `e3-backup-agent nas serve` serves a bucket over WebDAV on 127.0.0.1, as `rclone serve webdav`
  does. Debian's rclone, through its webdav backend, copies a tree in, `rclone check --download`
  finds no difference, the tree reads back byte for byte, and once the server is stopped (SIGTERM:
  it flushes pending uploads first) the bucket holds the tree — in each of rclone's cache modes.

  Scenario Outline: rclone copies a tree in and reads it back, cache mode <mode>
    Given a bucket served by "nas serve" in cache mode "<mode>"
    When rclone copies the "small" tree to the served drive
    Then rclone check finds the served drive and the tree identical
    And rclone copies the served drive back to a new folder, identical to the tree
    When the "nas serve" process is stopped with SIGTERM
    Then the bucket holds the tree byte for byte under the served prefix

    Examples:
      | mode    |
      | off     |
      | minimal |
      | writes  |
      | full    |
