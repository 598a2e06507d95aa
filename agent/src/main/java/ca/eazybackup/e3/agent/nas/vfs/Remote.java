package ca.eazybackup.e3.agent.nas.vfs;

import ca.eazybackup.e3.agent.s3.DirectPut;
import ca.eazybackup.e3.agent.transfer.ThrottledInputStream;
import ca.eazybackup.e3.agent.transfer.TokenBucket;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The volume's bucket + prefix as S3 calls, by volume path ({@code "a/b.txt"} → key {@code
 * prefix/a/b.txt}). Folders are key prefixes; an empty folder is kept by a zero-byte marker object
 * {@code prefix/a/} (what rclone, the S3 consoles and the sync engine write). Every byte moved goes
 * through the volume's upload or download token bucket. S3 failures become {@code java.nio.file}
 * exceptions the WebDAV layer maps to statuses. Retries are the S3 client's (S3ClientFactory).
 */
final class Remote {
  /** Bodies up to this size are one PutObject; larger or unknown lengths go multipart. */
  static final long SINGLE_PUT_MAX = 16L << 20;

  static final int PART_SIZE = 8 << 20;
  private static final int MAX_PARTS = 10_000;
  private static final String MTIME = "mtime";

  private final S3Client s3;
  private final String bucket;
  private final String keyPrefix;
  private final TokenBucket upload;
  private final TokenBucket download;
  private final DirectPut direct;

  Remote(S3Client s3, String bucket, String prefix, TokenBucket upload, TokenBucket download) {
    this(s3, null, bucket, prefix, upload, download);
  }

  /** {@code direct}: small PUTs without the S3Client's pipeline (null: all through {@code s3}). */
  Remote(
      S3Client s3,
      DirectPut direct,
      String bucket,
      String prefix,
      TokenBucket upload,
      TokenBucket download) {
    this.s3 = s3;
    this.direct = direct;
    this.bucket = bucket;
    String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    this.keyPrefix = p.isEmpty() ? "" : p + "/";
    this.upload = upload;
    this.download = download;
  }

  String bucket() {
    return bucket;
  }

  String key(String path) {
    return keyPrefix + path;
  }

  /** The key prefix under which a folder's children live ({@code ""} for the volume root). */
  String folderPrefix(String path) {
    return path.isEmpty() ? keyPrefix : keyPrefix + path + "/";
  }

  private String pathOf(String key) {
    return key.substring(keyPrefix.length());
  }

  /** One folder level: its files and sub-folders. */
  record Listing(List<RemoteFile> files, List<String> folders, boolean exists) {}

  /**
   * Lists one folder level with a delimiter. {@code exists} is false when neither a marker nor any
   * key lives under the folder (the root always exists).
   */
  Listing list(String folder) throws IOException {
    String prefix = folderPrefix(folder);
    List<RemoteFile> files = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    boolean marker = false;
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder req =
            ListObjectsV2Request.builder().bucket(bucket).delimiter("/").maxKeys(1000);
        if (!prefix.isEmpty()) {
          req.prefix(prefix);
        }
        if (token != null) {
          req.continuationToken(token);
        }
        ListObjectsV2Response resp = s3.listObjectsV2(req.build());
        for (S3Object o : resp.contents()) {
          String name = o.key().substring(prefix.length());
          if (name.isEmpty()) {
            marker = true; // the folder's own marker
          } else if (!name.contains("/")) {
            files.add(
                new RemoteFile(
                    pathOf(o.key()), sizeOf(o), RemoteFile.unquote(o.eTag()), o.lastModified()));
          }
        }
        for (CommonPrefix cp : resp.commonPrefixes()) {
          String name = cp.prefix().substring(prefix.length());
          name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
          if (!name.isEmpty()) {
            folders.add(name);
          }
        }
        token = Boolean.TRUE.equals(resp.isTruncated()) ? resp.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw failure("list", prefix, e);
    }
    boolean exists = folder.isEmpty() || marker || !files.isEmpty() || !folders.isEmpty();
    return new Listing(files, folders, exists);
  }

  private static long sizeOf(S3Object o) {
    return o.size() == null ? 0 : o.size();
  }

  /** Every object under a folder, markers included, page by page. */
  Iterator<RemoteFile> walk(String folder) {
    String prefix = folderPrefix(folder);
    return new Iterator<>() {
      private Iterator<S3Object> page = List.<S3Object>of().iterator();
      private String token;
      private boolean last;

      @Override
      public boolean hasNext() {
        while (!page.hasNext() && !last) {
          ListObjectsV2Request.Builder req =
              ListObjectsV2Request.builder().bucket(bucket).maxKeys(1000);
          if (!prefix.isEmpty()) {
            req.prefix(prefix);
          }
          if (token != null) {
            req.continuationToken(token);
          }
          ListObjectsV2Response resp;
          try {
            resp = s3.listObjectsV2(req.build());
          } catch (SdkException e) {
            throw new UncheckedIOException(failure("list", prefix, e));
          }
          page = resp.contents().iterator();
          token = Boolean.TRUE.equals(resp.isTruncated()) ? resp.nextContinuationToken() : null;
          last = token == null;
        }
        return page.hasNext();
      }

      @Override
      public RemoteFile next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        S3Object o = page.next();
        return new RemoteFile(
            pathOf(o.key()), sizeOf(o), RemoteFile.unquote(o.eTag()), o.lastModified());
      }
    };
  }

  /** The object at {@code path}, or {@code null}. */
  RemoteFile head(String path) throws IOException {
    try {
      HeadObjectResponse r =
          s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key(path)).build());
      return new RemoteFile(
          path, r.contentLength(), RemoteFile.unquote(r.eTag()), r.lastModified());
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw failure("head", key(path), e);
    } catch (SdkException e) {
      throw failure("head", key(path), e);
    }
  }

  /** Bytes {@code [offset, offset+length)} of an object; {@code length < 0}: to the end. */
  InputStream get(String path, long offset, long length) throws IOException {
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key(path));
    if (offset > 0 || length >= 0) {
      req.range("bytes=" + offset + "-" + (length >= 0 ? offset + length - 1 : ""));
    }
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(req.build());
      GetObjectResponse first = in.response();
      InputStream body =
          new ResumingObjectStream(
              in,
              key(path),
              Math.max(0, offset),
              first.contentLength() == null ? -1 : first.contentLength(),
              first.eTag(),
              (at, len, etag) -> reopen(path, at, len, etag));
      // without a limit the throttle would only cut every read to 64 KiB
      return download == null ? body : new ThrottledInputStream(body, download, () -> false);
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException("/" + path);
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return InputStream.nullInputStream(); // a range past the end of an empty object
      }
      throw failure("get", key(path), e);
    } catch (SdkException e) {
      throw failure("get", key(path), e);
    }
  }

  /**
   * The rest of a download that broke: {@code [at, at+length)} ({@code length < 0}: to the end),
   * only if the object is still {@code etag}.
   */
  private ResumingObjectStream.Opened reopen(String path, long at, long length, String etag)
      throws IOException {
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key(path));
    if (at > 0 || length >= 0) {
      req.range("bytes=" + at + "-" + (length < 0 ? "" : String.valueOf(at + length - 1)));
    }
    if (etag != null) {
      req.ifMatch(etag);
    }
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(req.build());
      Long len = in.response().contentLength();
      return new ResumingObjectStream.Opened(in, len == null ? -1 : len, in.response().eTag());
    } catch (SdkException e) {
      throw failure("get", key(path), e);
    }
  }

  /**
   * Uploads a client's body as it arrives: one PutObject when the length is known and small, else a
   * multipart upload in {@link #PART_SIZE} parts (each part is in memory, so the S3 client can
   * retry it). A body that ends before {@code length} aborts the upload.
   */
  RemoteFile put(String path, InputStream body, long length, Instant mtime) throws IOException {
    InputStream in = new ThrottledInputStream(body, upload, () -> false);
    if (length >= 0 && length <= SINGLE_PUT_MAX) {
      byte[] bytes = in.readNBytes((int) length);
      if (bytes.length != length) {
        throw new IOException(
            "the client sent " + bytes.length + " of " + length + " bytes for /" + path);
      }
      return putBytes(path, bytes, mtime);
    }
    long partSize = partSizeFor(length);
    String key = key(path);
    String uploadId;
    try {
      CreateMultipartUploadResponse created =
          s3.createMultipartUpload(b -> b.bucket(bucket).key(key).metadata(meta(mtime)));
      uploadId = created.uploadId();
    } catch (SdkException e) {
      throw failure("upload", key, e);
    }
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long total = 0;
      int number = 1;
      while (true) {
        byte[] part = in.readNBytes((int) partSize);
        if (part.length == 0 && number > 1) {
          break;
        }
        total += part.length;
        String partEtag =
            s3.uploadPart(
                    UploadPartRequest.builder()
                        .bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(number)
                        .contentLength((long) part.length)
                        .build(),
                    RequestBody.fromBytes(part))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(partEtag).build());
        number++;
        if (part.length < partSize) {
          break;
        }
      }
      if (length >= 0 && total != length) {
        throw new IOException("the client sent " + total + " of " + length + " bytes for /" + path);
      }
      var done =
          s3.completeMultipartUpload(
              CompleteMultipartUploadRequest.builder()
                  .bucket(bucket)
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
                  .build());
      return new RemoteFile(path, total, RemoteFile.unquote(done.eTag()), Instant.now());
    } catch (IOException | RuntimeException e) {
      abort(key, uploadId);
      if (e instanceof SdkException se) {
        throw failure("upload", key, se);
      }
      throw e;
    }
  }

  /** Uploads a cached file; the S3 client can retry each request because it reopens the file. */
  RemoteFile putFile(String path, Path file, long size, Instant mtime) throws IOException {
    String key = key(path);
    if (direct != null && size <= DirectPut.MAX_BODY) {
      try (InputStream in = throttled(file, 0)) {
        byte[] bytes = in.readNBytes((int) size);
        if (bytes.length != size) {
          throw new IOException("the cached file of /" + path + " is shorter than " + size);
        }
        return putBytes(path, bytes, mtime);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    if (size <= SINGLE_PUT_MAX) {
      try {
        PutObjectResponse r =
            s3.putObject(
                PutObjectRequest.builder()
                    .bucket(bucket)
                    .key(key)
                    .contentLength(size)
                    .metadata(meta(mtime))
                    .build(),
                RequestBody.fromContentProvider(
                    () -> throttled(file, 0), size, "application/octet-stream"));
        return new RemoteFile(path, size, RemoteFile.unquote(r.eTag()), Instant.now());
      } catch (SdkException e) {
        throw failure("upload", key, e);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    try (InputStream in = Files.newInputStream(file)) {
      return put(path, in, size, mtime);
    }
  }

  private InputStream throttled(Path file, long offset) {
    try {
      InputStream in = Files.newInputStream(file);
      in.skipNBytes(offset);
      return new ThrottledInputStream(in, upload, () -> false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RemoteFile putBytes(String path, byte[] bytes, Instant mtime) throws IOException {
    String key = key(path);
    try {
      if (direct != null && bytes.length <= DirectPut.MAX_BODY) {
        DirectPut.Put p = direct.put(bucket, key, bytes, meta(mtime));
        return new RemoteFile(path, bytes.length, RemoteFile.unquote(p.eTag()), Instant.now());
      }
      PutObjectResponse r =
          s3.putObject(
              PutObjectRequest.builder()
                  .bucket(bucket)
                  .key(key)
                  .contentLength((long) bytes.length)
                  .metadata(meta(mtime))
                  .build(),
              RequestBody.fromBytes(bytes));
      return new RemoteFile(path, bytes.length, RemoteFile.unquote(r.eTag()), Instant.now());
    } catch (SdkException e) {
      throw failure("upload", key, e);
    }
  }

  /** Writes the marker that keeps an empty folder. */
  void putFolderMarker(String path) throws IOException {
    String key = folderPrefix(path);
    try {
      s3.putObject(
          PutObjectRequest.builder().bucket(bucket).key(key).contentLength(0L).build(),
          RequestBody.empty());
    } catch (SdkException e) {
      throw failure("create folder", key, e);
    }
  }

  /** Server-side copy of one object (markers included: pass the marker's key path). */
  RemoteFile copyKey(String fromKey, String toKey) throws IOException {
    try {
      CopyObjectResponse r =
          s3.copyObject(
              CopyObjectRequest.builder()
                  .sourceBucket(bucket)
                  .sourceKey(fromKey)
                  .destinationBucket(bucket)
                  .destinationKey(toKey)
                  .metadataDirective(MetadataDirective.COPY)
                  .build());
      String etag = r.copyObjectResult() == null ? "" : r.copyObjectResult().eTag();
      return new RemoteFile(pathOf(toKey), -1, RemoteFile.unquote(etag), Instant.now());
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException("/" + pathOf(fromKey));
    } catch (SdkException e) {
      throw failure("copy", fromKey, e);
    }
  }

  void deleteKey(String key) throws IOException {
    try {
      s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (NoSuchKeyException e) {
      // already gone
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  /**
   * Deletes keys in batches of 1,000: files first, then folder markers deepest first (stores that
   * keep folders as directories, like S3Proxy's filesystem backend, refuse a non-empty one).
   */
  void deleteKeys(List<String> all) throws IOException {
    List<String> keys = new ArrayList<>(all.stream().filter(k -> !k.endsWith("/")).toList());
    all.stream()
        .filter(k -> k.endsWith("/"))
        .sorted(java.util.Comparator.reverseOrder())
        .forEach(keys::add);
    for (int i = 0; i < keys.size(); i += 1000) {
      List<ObjectIdentifier> batch =
          keys.subList(i, Math.min(keys.size(), i + 1000)).stream()
              .map(k -> ObjectIdentifier.builder().key(k).build())
              .toList();
      try {
        var r =
            s3.deleteObjects(
                DeleteObjectsRequest.builder()
                    .bucket(bucket)
                    .delete(Delete.builder().objects(batch).quiet(true).build())
                    .build());
        if (r.hasErrors() && !r.errors().isEmpty()) {
          var first = r.errors().get(0);
          throw new IOException(
              "S3 refused to delete "
                  + r.errors().size()
                  + " objects, first "
                  + first.key()
                  + ": "
                  + first.message());
        }
      } catch (SdkException e) {
        throw failure("delete", batch.get(0).key(), e);
      }
    }
  }

  private void abort(String key, String uploadId) {
    try {
      s3.abortMultipartUpload(
          AbortMultipartUploadRequest.builder().bucket(bucket).key(key).uploadId(uploadId).build());
    } catch (SdkException ignored) {
      // the bucket's lifecycle rule or a later abort cleans it; nothing was completed
    }
  }

  private static long partSizeFor(long length) {
    long size = PART_SIZE;
    while (length > 0 && length / size >= MAX_PARTS) {
      size *= 2;
    }
    return size;
  }

  /** rclone's {@code mtime} user metadata: decimal seconds since the epoch. */
  static Map<String, String> meta(Instant mtime) {
    if (mtime == null) {
      return Map.of();
    }
    BigDecimal s =
        BigDecimal.valueOf(mtime.getEpochSecond())
            .add(BigDecimal.valueOf(mtime.getNano(), 9))
            .stripTrailingZeros();
    return Map.of(MTIME, s.scale() <= 0 ? s.toBigInteger().toString() : s.toPlainString());
  }

  private IOException failure(String what, String key, SdkException e) {
    if (e instanceof S3Exception s3e && s3e.statusCode() == 403) {
      AccessDeniedException denied =
          new AccessDeniedException(
              key, null, "S3 denied " + what + " in bucket '" + bucket + "': check the keys");
      denied.initCause(e);
      return denied;
    }
    if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedIOException) {
      return new InterruptedIOException(what + " of " + key + " interrupted");
    }
    return new RemoteException(
        "S3 " + what + " of '" + key + "' in bucket '" + bucket + "' failed: " + e.getMessage(), e);
  }

  /** S3 said no or could not be reached: the WebDAV layer answers 502, not 500. */
  static final class RemoteException extends IOException {
    private static final long serialVersionUID = 1L;

    RemoteException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
