package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as S3 objects {@code prefix + blobId} in one bucket (kopia repo/blob/s3): ranged GETs, PUTs
 * with Content-MD5 and Kopia's content type, paged listings that skip Kopia's {@code
 * .storageconfig} and anything in a sub-folder of the prefix. Every SDK error becomes a {@link
 * BlobStorageException} classified by the agent's {@link RetryPolicy} (a missing object a {@link
 * BlobNotFoundException}), with a message naming the bucket and what to fix; the stack built by
 * {@link StorageStack} retries and throttles it. The client comes from the agent's one S3 client
 * factory and is not closed here.
 */
public final class S3BlobStorage implements BlobStorage {
  private static final String CONTENT_TYPE = "application/x-kopia";
  private static final String STORAGE_CONFIG = ".storageconfig";

  private final S3Client s3;
  private final String endpoint;
  private final String bucket;
  private final String prefix;
  private final int listPageSize;

  S3BlobStorage(S3Client s3, String endpoint, String bucket, String prefix, int listPageSize) {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("S3 bucket is empty");
    }
    this.s3 = s3;
    this.endpoint = endpoint == null ? "S3" : endpoint;
    this.bucket = bucket;
    this.prefix = normalizePrefix(prefix);
    this.listPageSize = listPageSize;
  }

  /** {@code a/b} and {@code /a/b/} both become {@code a/b/}; blank stays empty. */
  static String normalizePrefix(String prefix) {
    String p = prefix == null ? "" : prefix.strip().replaceAll("^/+", "");
    return p.isEmpty() || p.endsWith("/") ? p : p + "/";
  }

  /**
   * Opens the repository folder {@code prefix} of {@code bucket}, checking first that the bucket
   * can be reached: a missing bucket is created only when {@code autoCreate}, refused credentials
   * and a missing bucket fail at once with a message that says what to fix.
   *
   * @param endpoint the endpoint's URL, for messages only
   */
  public static S3BlobStorage open(
      S3Client s3, String endpoint, String bucket, String prefix, boolean autoCreate)
      throws IOException {
    return open(s3, endpoint, bucket, prefix, autoCreate, false);
  }

  /**
   * Like {@link #open(S3Client, String, String, String, boolean)}; a bucket it creates has Object
   * Lock enabled when {@code objectLock} (S3 can only enable it when a bucket is created).
   */
  public static S3BlobStorage open(
      S3Client s3,
      String endpoint,
      String bucket,
      String prefix,
      boolean autoCreate,
      boolean objectLock)
      throws IOException {
    if (bucket == null || bucket.isBlank()) {
      throw new BlobStorageException("no destination bucket is configured", null, false);
    }
    S3BlobStorage st = new S3BlobStorage(s3, endpoint, bucket, prefix, 1000);
    st.ensureBucket(autoCreate, objectLock);
    return st;
  }

  /**
   * For a reader that only reads: the bucket is not asked for first (one round trip less before the
   * first read); a missing bucket fails that first read with the message {@link #open} gives.
   */
  public static S3BlobStorage openForReading(
      S3Client s3, String endpoint, String bucket, String prefix) throws IOException {
    if (bucket == null || bucket.isBlank()) {
      throw new BlobStorageException("no destination bucket is configured", null, false);
    }
    return new S3BlobStorage(s3, endpoint, bucket, prefix, 1000);
  }

  private void ensureBucket(boolean autoCreate, boolean objectLock) throws IOException {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return;
    } catch (NoSuchBucketException e) {
      if (!autoCreate) {
        throw missingBucket(e);
      }
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw translate("open", null, e);
      }
      if (!autoCreate) {
        throw missingBucket(e);
      }
    } catch (SdkException e) {
      throw translate("open", null, e);
    }
    try {
      s3.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(objectLock ? true : null));
    } catch (SdkException e) {
      throw translate("create bucket", null, e);
    }
  }

  private BlobStorageException missingBucket(Exception e) {
    return new BlobStorageException(
        "bucket '"
            + bucket
            + "' does not exist at "
            + endpoint
            + ": create it or set bucket_auto_create",
        e,
        false);
  }

  private String key(String blobId) {
    return prefix + blobId;
  }

  private IOException translate(String what, String blobId, SdkException e) {
    if (e instanceof NoSuchKeyException && blobId != null) {
      return new BlobNotFoundException(blobId);
    }
    if (e instanceof S3Exception s3e) {
      if ("NoSuchBucket".equals(errorCode(s3e)) || e instanceof NoSuchBucketException) {
        return missingBucket(e);
      }
      if (s3e.statusCode() == 404 && blobId != null) {
        return new BlobNotFoundException(blobId);
      }
    }
    RetryPolicy.Verdict v = RetryPolicy.classify(e);
    String where = "s3://" + bucket + "/" + key(blobId == null ? "" : blobId) + " at " + endpoint;
    return new BlobStorageException(
        what + " " + where + " failed: " + v.reason(), e, v.retriable());
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
        ? ""
        : e.awsErrorDetails().errorCode();
  }

  /**
   * Streams the body into one array of the expected size: the SDK's {@code getObjectAsBytes} copies
   * a body three times (growing buffer, trim, defensive copy), which for a restore's multi-MiB pack
   * ranges was a measurable share of its CPU and garbage. A body cut short is a retriable error.
   */
  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    if (length == 0) {
      return new byte[0];
    }
    byte[] body;
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(
            b -> {
              b.bucket(bucket).key(key(blobId));
              if (offset > 0 || length > 0) {
                String end = length < 0 ? "" : String.valueOf(offset + length - 1);
                b.range("bytes=" + offset + "-" + end);
              }
            })) {
      Long size = in.response().contentLength();
      if (size == null || size < 0 || size > Integer.MAX_VALUE - 16) {
        body = in.readAllBytes();
      } else {
        body = new byte[size.intValue()];
        int n = in.readNBytes(body, 0, body.length);
        if (n != body.length) {
          throw new BlobStorageException(
              "get " + blobId + ": body ended after " + n + " of " + body.length + " bytes",
              null,
              true);
        }
      }
    } catch (SdkException e) {
      throw translate("get", blobId, e);
    }
    if (length > 0 && body.length != length) {
      throw new BlobStorageException(
          "get " + blobId + ": expected " + length + " bytes at " + offset + ", got " + body.length,
          null,
          false);
    }
    return body;
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    String md5 = md5(data);
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(key(blobId))
                  .contentType(CONTENT_TYPE)
                  .contentMD5(md5)
                  .contentLength((long) data.length),
          body(data));
    } catch (SdkException e) {
      throw translate("put", blobId, e);
    }
  }

  /**
   * A PUT with {@code x-amz-object-lock-mode} and {@code x-amz-object-lock-retain-until-date}; S3
   * requires the Content-MD5 that every put here carries.
   */
  @Override
  public void put(String blobId, byte[] data, BlobRetention retention) throws IOException {
    if (retention == null) {
      put(blobId, data);
      return;
    }
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(key(blobId))
                  .contentType(CONTENT_TYPE)
                  .contentMD5(md5(data))
                  .contentLength((long) data.length)
                  .objectLockMode(ObjectLockMode.fromValue(retention.mode()))
                  .objectLockRetainUntilDate(retention.retainUntil(Instant.now())),
          body(data));
    } catch (SdkException e) {
      throw translate("put (object lock " + retention.mode() + ")", blobId, e);
    }
  }

  /** PutObjectRetention on the current version: the lock now ends a full period from now. */
  @Override
  public void extendRetention(String blobId, BlobRetention retention) throws IOException {
    try {
      s3.putObjectRetention(
          b ->
              b.bucket(bucket)
                  .key(key(blobId))
                  .retention(
                      r ->
                          r.mode(ObjectLockRetentionMode.fromValue(retention.mode()))
                              .retainUntilDate(retention.retainUntil(Instant.now()))));
    } catch (SdkException e) {
      throw translate("extend object lock of", blobId, e);
    }
  }

  /**
   * The bucket's object lock configuration must say Enabled: a bucket without it (or a server
   * without object lock, such as S3Proxy) would otherwise take the headers and lock nothing, or
   * refuse every put.
   */
  @Override
  public void checkObjectLock() throws IOException {
    String state;
    try {
      ObjectLockConfiguration c =
          s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
      state = c == null ? null : c.objectLockEnabledAsString();
    } catch (S3Exception e) {
      RetryPolicy.Verdict v = RetryPolicy.classify(e);
      if (v.retriable() || e.statusCode() == 403 || "NoSuchBucket".equals(errorCode(e))) {
        throw translate("check object lock of", null, e);
      }
      throw noObjectLock("the server answered " + v.reason());
    } catch (SdkException e) {
      throw translate("check object lock of", null, e);
    }
    if (!"Enabled".equals(state)) {
      throw noObjectLock("its object lock configuration is " + state);
    }
  }

  private BlobStorageException noObjectLock(String why) {
    return new BlobStorageException(
        "object lock was requested but bucket '"
            + bucket
            + "' at "
            + endpoint
            + " has no object lock ("
            + why
            + "): use a bucket created with object lock enabled, or turn object lock off for"
            + " this job",
        null,
        false);
  }

  /**
   * The body over {@code data} itself: {@link RequestBody#fromBytes} copies the array first, a
   * second pack-sized array per upload in flight. Each attempt (the SDK's retries included) opens a
   * new stream from offset 0, so a retried PUT still sends the whole body. Callers must not change
   * {@code data} while the put runs; none does (a finished pack is never written again).
   */
  private static RequestBody body(byte[] data) {
    return RequestBody.fromContentProvider(
        ContentStreamProvider.fromByteArrayUnsafe(data), data.length, "application/octet-stream");
  }

  private static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
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
        if (id.isEmpty() || id.equals(STORAGE_CONFIG) || id.contains("/")) {
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
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
        return Optional.empty();
      }
      throw translate("stat", blobId, e);
    } catch (SdkException e) {
      throw translate("stat", blobId, e);
    }
  }

  /** The client belongs to the agent's factory, which closes it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
