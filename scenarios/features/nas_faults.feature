@nas @faults @nas-faults
Feature: Cloud NAS reads and writes through S3 faults
  `e3-backup-agent nas serve` reaches S3 through the fault relay of the @faults scenarios. Reads of
  files that only S3 holds succeed although S3 answers 500s, SlowDown, resets, cut and truncated
  bodies and slow answers (rclone is told not to retry: the retries are the server's), and writes
  the drive acknowledged while S3 refused every upload reach S3 once it accepts them again, with
  the server still running.

  Scenario: a served drive reads through S3 errors, resets and slow answers, and its acknowledged writes reach S3 once S3 recovers
    Given a bucket holding the "small" tree under the served prefix
    And that bucket is served by "nas serve" in cache mode "writes" through an S3 relay that injects
      | request     | fault          | on requests |
      | GET /drive/ | http 500       | 2           |
      | GET /drive/ | http 503       | 5,6         |
      | GET /drive/ | reset          | 9           |
      | GET /drive/ | slow 3000      | 12          |
      | GET /drive/ | reset mid-body | 15          |
      | GET /drive/ | truncated      | 18          |
      | PUT /drive/ | http 503       | 1,2         |
      | PUT /drive/ | reset          | 3           |
    When rclone copies the served drive to a new folder, identical to the bucket's tree
    And S3 refuses every upload of a served file
    And rclone copies the "small" tree generated from seed 22 to "later" on the served drive
    Then S3 has refused uploads and holds none of "later" yet
    When S3 accepts uploads again
    Then within 180 seconds the bucket holds both trees byte for byte under the served prefix
    And every fault the NAS's S3 relay was told to inject fired
