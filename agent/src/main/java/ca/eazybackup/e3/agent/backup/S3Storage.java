package ca.eazybackup.e3.agent.backup;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.RetryingBlobStorage;
import ca.eazybackup.e3.agent.backup.repo.RepositoryException;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.s3.S3Target;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Kopia blobs as S3 objects {@code <dest_prefix>/<blobId>} (Kopia's s3 storage: flat keys under a
 * prefix, ranged GETs). A stop-gap beside the blob package until its own S3 storage lands; it uses
 * the agent's one S3 client factory and the blob layer's retry decorator.
 */
final class S3Storage implements BlobStorage {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  private S3Storage(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  static BlobStorage open(RunAssignment job, RunContext ctx) throws IOException {
    if (job.destBucket() == null || job.destBucket().isBlank()) {
      throw new RepositoryException("the job has no destination bucket (dest_bucket)");
    }
    S3Target target =
        new S3Target(
            job.destEndpoint(), job.destRegion(), job.destAccessKey(), job.destSecretKey());
    S3Client client = ctx.s3().client(target);
    String prefix = job.destPrefix() == null ? "" : job.destPrefix().replaceAll("^/+", "");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    try {
      client.headBucket(b -> b.bucket(job.destBucket()));
    } catch (NoSuchBucketException e) {
      if (!job.bucketAutoCreate()) {
        throw new RepositoryException(
            "bucket '"
                + job.destBucket()
                + "' does not exist at "
                + target.endpoint()
                + ": create it or set bucket_auto_create",
            e);
      }
      client.createBucket(b -> b.bucket(job.destBucket()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && job.bucketAutoCreate()) {
        client.createBucket(b -> b.bucket(job.destBucket()));
      } else if (e.statusCode() == 404) {
        throw new RepositoryException(
            "bucket '"
                + job.destBucket()
                + "' does not exist at "
                + target.endpoint()
                + ": create it or set bucket_auto_create",
            e);
      } else {
        throw new RepositoryException(
            "cannot reach bucket '"
                + job.destBucket()
                + "' at "
                + target.endpoint()
                + ": "
                + e.awsErrorDetails().errorMessage(),
            e);
      }
    } catch (SdkException e) {
      throw new RepositoryException(
          "cannot reach S3 at " + target.endpoint() + ": " + e.getMessage(), e);
    }
    return new RetryingBlobStorage(
        new S3Storage(client, job.destBucket(), prefix), RetryingBlobStorage.Policy.defaults());
  }

  /**
   * Streams the body into one array of the expected size: the SDK's {@code getObjectAsBytes} copies
   * a body three times (growing buffer, trim, defensive copy), which for a restore's multi-MiB pack
   * ranges was a measurable share of its CPU and garbage.
   */
  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(
            b -> {
              b.bucket(bucket).key(prefix + blobId);
              if (offset > 0 || length >= 0) {
                String end = length < 0 ? "" : String.valueOf(offset + length - 1);
                b.range("bytes=" + offset + "-" + end);
              }
            })) {
      Long size = in.response().contentLength();
      if (size == null || size < 0 || size > Integer.MAX_VALUE - 16) {
        return in.readAllBytes();
      }
      byte[] body = new byte[size.intValue()];
      int n = in.readNBytes(body, 0, body.length);
      if (n != body.length) {
        throw new IOException(
            "S3 GET " + blobId + ": body ended after " + n + " of " + body.length + " bytes");
      }
      return body;
    } catch (NoSuchKeyException e) {
      throw new BlobNotFoundException(blobId);
    } catch (SdkException e) {
      throw new IOException("S3 GET " + blobId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(prefix + blobId).contentType("application/x-kopia"),
          RequestBody.fromBytes(data));
    } catch (SdkException e) {
      throw new IOException("S3 PUT " + blobId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String blobId) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(prefix + blobId));
    } catch (SdkException e) {
      throw new IOException("S3 DELETE " + blobId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void list(String blobPrefix, Consumer<BlobMetadata> each) throws IOException {
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + blobPrefix)).contents()) {
        String id = o.key().substring(prefix.length());
        if (id.contains("/") || id.equals(".storageconfig")) {
          continue;
        }
        each.accept(new BlobMetadata(id, o.size(), o.lastModified()));
      }
    } catch (SdkException e) {
      throw new IOException("S3 LIST " + blobPrefix + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    try {
      HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key(prefix + blobId));
      return Optional.of(new BlobMetadata(blobId, h.contentLength(), h.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new IOException("S3 HEAD " + blobId + " failed: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("S3 HEAD " + blobId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    // the client belongs to the agent's factory
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
