package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as S3 objects {@code prefix + blobId} in one bucket (kopia repo/blob/s3): ranged GETs, PUTs
 * with Content-MD5, paged listings. Errors become {@link BlobStorageException}s marked retriable
 * for throttling, server errors and connection failures; wrap in {@link RetryingBlobStorage} for
 * backoff. The client comes from the agent's one {@link S3ClientFactory}.
 */
public final class S3BlobStorage implements BlobStorage {
  private static final String CONTENT_TYPE = "application/x-kopia";
  private static final String STORAGE_CONFIG = ".storageconfig";

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final int listPageSize;

  public S3BlobStorage(S3Client s3, String bucket, String prefix) {
    this(s3, bucket, prefix, 1000);
  }

  S3BlobStorage(S3Client s3, String bucket, String prefix, int listPageSize) {
    this.listPageSize = listPageSize;
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("S3 bucket is empty");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
  }

  public static S3BlobStorage open(
      S3ClientFactory factory, S3Target target, String bucket, String prefix) {
    return new S3BlobStorage(factory.client(target), bucket, prefix);
  }

  private String key(String blobId) {
    return prefix + blobId;
  }

  private IOException translate(String what, String blobId, SdkException e) {
    if (e instanceof NoSuchKeyException) {
      return new BlobNotFoundException(blobId);
    }
    if (e instanceof S3Exception s3e) {
      int status = s3e.statusCode();
      if ("NoSuchBucket".equals(errorCode(s3e))) {
        return new BlobStorageException(
            "bucket '" + bucket + "' does not exist: create it or check the destination", e, false);
      }
      if (status == 404 && blobId != null) {
        return new BlobNotFoundException(blobId);
      }
      boolean retriable = status >= 500 || status == 429 || status == 408 || status == 0;
      String code = errorCode(s3e);
      return new BlobStorageException(
          what
              + " s3://"
              + bucket
              + "/"
              + key(blobId == null ? "" : blobId)
              + " failed: HTTP "
              + status
              + " "
              + code,
          e,
          retriable);
    }
    boolean retriable = e instanceof SdkClientException || e.retryable();
    return new BlobStorageException(
        what
            + " s3://"
            + bucket
            + "/"
            + key(blobId == null ? "" : blobId)
            + " failed: "
            + e.getMessage(),
        e,
        retriable);
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
        ? ""
        : e.awsErrorDetails().errorCode();
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    if (length == 0) {
      return new byte[0];
    }
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key(blobId));
    if (length > 0) {
      req.range("bytes=" + offset + "-" + (offset + length - 1));
    } else if (offset > 0) {
      req.range("bytes=" + offset + "-");
    }
    byte[] data;
    try {
      data = s3.getObjectAsBytes(req.build()).asByteArray();
    } catch (SdkException e) {
      throw translate("get", blobId, e);
    }
    if (length > 0 && data.length != length) {
      throw new BlobStorageException(
          "get " + blobId + ": expected " + length + " bytes at " + offset + ", got " + data.length,
          null,
          false);
    }
    return data;
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    String md5;
    try {
      md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(key(blobId))
                  .contentType(CONTENT_TYPE)
                  .contentMD5(md5)
                  .contentLength((long) data.length),
          RequestBody.fromBytes(data));
    } catch (SdkException e) {
      throw translate("put", blobId, e);
    }
  }

  @Override
  public void delete(String blobId) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key(blobId)));
    } catch (NoSuchKeyException e) {
      // already gone
    } catch (SdkException e) {
      throw translate("delete", blobId, e);
    }
  }

  @Override
  public void list(String blobPrefix, Consumer<BlobMetadata> each) throws IOException {
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(
                  ListObjectsV2Request.builder()
                      .bucket(bucket)
                      .prefix(key(blobPrefix))
                      .maxKeys(listPageSize)
                      .build())
              .contents()) {
        String id = o.key().substring(prefix.length());
        if (id.equals(STORAGE_CONFIG) || id.isEmpty()) {
          continue;
        }
        each.accept(new BlobMetadata(id, o.size(), o.lastModified()));
      }
    } catch (SdkException e) {
      throw translate("list", blobPrefix + "*", e);
    }
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    try {
      HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key(key(blobId)));
      return Optional.of(new BlobMetadata(blobId, h.contentLength(), h.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw translate("stat", blobId, e);
    } catch (SdkException e) {
      throw translate("stat", blobId, e);
    }
  }

  /** The client belongs to the factory, which closes it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
