package ca.eazybackup.e3.agent.sync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Checks the destination bucket before any work, creating it when the job allows. */
final class Buckets {
  private static final Logger log = LoggerFactory.getLogger(Buckets.class);

  private Buckets() {}

  static void ensure(S3Client s3, SyncSettings settings) {
    String bucket = settings.bucket();
    String where = settings.target().endpoint();
    try {
      s3.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
      return;
    } catch (NoSuchBucketException e) {
      // fall through to create
    } catch (S3Exception e) {
      if (e.statusCode() == 403) {
        throw new SyncException(
            "access to bucket '" + bucket + "' at " + where + " is denied: check the access keys",
            e);
      }
      if (e.statusCode() != 404) {
        throw new SyncException(
            "bucket '" + bucket + "' at " + where + " cannot be checked: " + e.getMessage(), e);
      }
    } catch (SdkClientException e) {
      throw new SyncException(
          "the S3 endpoint " + where + " cannot be reached: " + e.getMessage(), e);
    }
    if (!settings.bucketAutoCreate()) {
      throw new SyncException(
          "bucket '"
              + bucket
              + "' does not exist at "
              + where
              + ": create it or set bucket_auto_create");
    }
    try {
      s3.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
      log.info("event=sync_bucket_created bucket={} endpoint={}", bucket, where);
    } catch (BucketAlreadyOwnedByYouException e) {
      // created meanwhile by another run of ours: fine
    } catch (S3Exception e) {
      throw new SyncException(
          "bucket '" + bucket + "' could not be created at " + where + ": " + e.getMessage(), e);
    }
  }
}
