package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.progress.ProgressReporter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Uploads one file, whole or in parts, so that what lands in S3 is exactly one consistent version
 * of the file or nothing:
 *
 * <ul>
 *   <li>Each body is read into memory first and sent with its Content-MD5, so the server rejects
 *       anything damaged on the way; the returned ETag is compared with the MD5 too (single part:
 *       {@code md5}; multipart: {@code md5(part md5s)-N}).
 *   <li>Size and mtime are read before and after, and the read length must equal the size; if any
 *       differ the upload is thrown away (a multipart upload is aborted, never completed) and
 *       {@link FileChangedException} tells the caller to retry later.
 *   <li>Multipart parts are sent in parallel, with at most {@code 2 × parallelism} part buffers in
 *       memory across the run.
 * </ul>
 */
final class Uploader {
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);
  private static final String CONTENT_TYPE = "application/octet-stream";

  record Open(String key, String uploadId) {}

  /** What S3 stored does not match what was sent; worth another attempt. */
  static final class UploadIntegrityException extends IOException {
    private static final long serialVersionUID = 1L;

    UploadIntegrityException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final S3Client s3;
  private final SyncSettings settings;
  private final Transfers transfers;
  private final ProgressReporter progress;
  private final Semaphore partBuffers;
  private final Set<Open> openUploads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean etagNotMd5Reported = new AtomicBoolean();

  Uploader(S3Client s3, SyncSettings settings, Transfers transfers, ProgressReporter progress) {
    this.s3 = s3;
    this.settings = settings;
    this.transfers = transfers;
    this.progress = progress;
    this.partBuffers = new Semaphore(Math.max(2, settings.parallelism() * 2));
  }

  /** Uploads {@code file}; returns what the state cache should remember about the new object. */
  StateCache.Entry upload(LocalFile file) throws IOException, InterruptedException {
    BasicFileAttributes before = Files.readAttributes(file.path(), BasicFileAttributes.class);
    if (!before.isRegularFile()) {
      throw new FileChangedException("no longer a regular file");
    }
    long size = before.size();
    long mtime = LocalWalk.nanos(before);
    Map<String, String> metadata = Map.of(MtimeMetadata.KEY, MtimeMetadata.format(mtime));
    if (size <= settings.multipartCutoff()) {
      return single(file, size, mtime, metadata);
    }
    return multipart(file, size, mtime, metadata);
  }

  private StateCache.Entry single(
      LocalFile file, long size, long mtime, Map<String, String> metadata) throws IOException {
    byte[] data;
    try (InputStream in = transfers.openLocal(file.path())) {
      data = in.readNBytes((int) size);
      if (data.length != size || in.read() >= 0) {
        throw new FileChangedException("size changed while reading");
      }
    }
    checkUnchanged(file.path(), size, mtime);
    byte[] md5 = Md5.of(data, 0, data.length);
    PutObjectResponse resp =
        s3.putObject(
            PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(file.key())
                .contentLength(size)
                .contentMD5(Md5.base64(md5))
                .contentType(CONTENT_TYPE)
                .metadata(metadata)
                .build(),
            body(data));
    String etag = RemoteObject.unquote(resp.eTag());
    verifyEtag(file.key(), etag, Md5.hex(md5));
    progress.bytesDone(size);
    return new StateCache.Entry(file.key(), size, mtime, etag);
  }

  private StateCache.Entry multipart(
      LocalFile file, long size, long mtime, Map<String, String> metadata)
      throws IOException, InterruptedException {
    long partSize = settings.partSizeFor(size);
    int partCount = (int) ((size + partSize - 1) / partSize);
    String uploadId =
        s3.createMultipartUpload(
                CreateMultipartUploadRequest.builder()
                    .bucket(settings.bucket())
                    .key(file.key())
                    .contentType(CONTENT_TYPE)
                    .metadata(metadata)
                    .build())
            .uploadId();
    Open open = new Open(file.key(), uploadId);
    openUploads.add(open);
    List<Future<CompletedPart>> futures = new ArrayList<>(partCount);
    AtomicBoolean partFailed = new AtomicBoolean();
    try {
      MessageDigest etagOfParts = Md5.digest();
      try (InputStream in = transfers.openLocal(file.path())) {
        for (int part = 1; part <= partCount && !partFailed.get(); part++) {
          int len = (int) Math.min(partSize, size - (part - 1) * partSize);
          partBuffers.acquire();
          boolean handedOff = false;
          try {
            byte[] buf = in.readNBytes(len);
            if (buf.length != len) {
              throw new FileChangedException("file shrank while reading part " + part);
            }
            byte[] md5 = Md5.of(buf, 0, len);
            etagOfParts.update(md5);
            int partNumber = part;
            futures.add(
                transfers.parts.submit(
                    () -> {
                      try {
                        return uploadPart(file.key(), uploadId, partNumber, buf, md5);
                      } catch (RuntimeException e) {
                        partFailed.set(true);
                        throw e;
                      } finally {
                        partBuffers.release();
                      }
                    }));
            handedOff = true;
          } finally {
            if (!handedOff) {
              partBuffers.release();
            }
          }
        }
        if (!partFailed.get() && in.read() >= 0) {
          throw new FileChangedException("file grew while reading");
        }
      }
      List<CompletedPart> parts = new ArrayList<>(partCount);
      for (Future<CompletedPart> f : futures) {
        parts.add(f.get());
      }
      checkUnchanged(file.path(), size, mtime);
      CompleteMultipartUploadResponse done =
          s3.completeMultipartUpload(
              CompleteMultipartUploadRequest.builder()
                  .bucket(settings.bucket())
                  .key(file.key())
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
                  .build());
      openUploads.remove(open);
      String etag = RemoteObject.unquote(done.eTag());
      String expected = Md5.hex(etagOfParts.digest()) + "-" + partCount;
      if (etag.contains("-") && !etag.equalsIgnoreCase(expected)) {
        throw new UploadIntegrityException(
            "S3 assembled " + file.key() + " with ETag " + etag + ", expected " + expected, null);
      }
      return new StateCache.Entry(file.key(), size, mtime, etag);
    } catch (ExecutionException e) {
      abort(open, futures);
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new UploadIntegrityException("part upload failed: " + cause, cause);
    } catch (IOException | InterruptedException | RuntimeException e) {
      abort(open, futures);
      throw e;
    }
  }

  /**
   * A request body metered by the run's network limit. Over plain http the SDK signs the payload,
   * reading the body once to hash it before it reads it again to send it (each attempt); only the
   * sending read is metered there, or the limit would be held at half the configured rate.
   */
  private RequestBody body(byte[] data) {
    boolean signedPayload = settings.target().endpoint().startsWith("http://");
    java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();
    return RequestBody.fromContentProvider(
        () -> {
          InputStream raw = new ByteArrayInputStream(data);
          boolean hashingRead = signedPayload && reads.incrementAndGet() % 2 == 1;
          return hashingRead ? raw : transfers.meterNetwork(raw);
        },
        data.length,
        CONTENT_TYPE);
  }

  private CompletedPart uploadPart(
      String key, String uploadId, int partNumber, byte[] buf, byte[] md5) {
    String etag =
        s3.uploadPart(
                UploadPartRequest.builder()
                    .bucket(settings.bucket())
                    .key(key)
                    .uploadId(uploadId)
                    .partNumber(partNumber)
                    .contentLength((long) buf.length)
                    .contentMD5(Md5.base64(md5))
                    .build(),
                body(buf))
            .eTag();
    progress.bytesDone(buf.length);
    return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
  }

  private void abort(Open open, List<Future<CompletedPart>> futures) {
    futures.forEach(f -> f.cancel(true));
    abort(open);
  }

  /** Aborts one upload; a failure is logged, the run's final sweep tries again. */
  void abort(Open open) {
    try {
      s3.abortMultipartUpload(
          AbortMultipartUploadRequest.builder()
              .bucket(settings.bucket())
              .key(open.key())
              .uploadId(open.uploadId())
              .build());
      openUploads.remove(open);
      log.info("event=sync_multipart_aborted key={}", open.key());
    } catch (RuntimeException e) {
      log.warn("event=sync_multipart_abort_failed key={} reason={}", open.key(), e.toString());
    }
  }

  /** Aborts every upload still open (cancel, or the end of a failed run). */
  void abortAll() {
    for (Open open : List.copyOf(openUploads)) {
      abort(open);
    }
  }

  private static void checkUnchanged(Path path, long size, long mtime) throws IOException {
    BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class);
    if (after.size() != size || LocalWalk.nanos(after) != mtime) {
      throw new FileChangedException("modified while being read");
    }
  }

  private void verifyEtag(String key, String etag, String md5Hex) throws IOException {
    if (etag.equalsIgnoreCase(md5Hex)) {
      return;
    }
    if (!RemoteObject.isMd5Hex(etag)) {
      // Server-side encryption or a server that does not use MD5 ETags: Content-MD5 was checked.
      if (etagNotMd5Reported.compareAndSet(false, true)) {
        log.info("event=sync_etag_not_md5 key={} etag={}", key, etag);
      }
      return;
    }
    throw new UploadIntegrityException(
        "S3 stored " + key + " with ETag " + etag + " but its MD5 is " + md5Hex, null);
  }
}
