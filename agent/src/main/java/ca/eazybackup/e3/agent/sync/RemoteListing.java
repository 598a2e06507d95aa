package ca.eazybackup.e3.agent.sync;

import java.util.Iterator;
import java.util.NoSuchElementException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Streams the objects under a prefix page by page (1,000 keys in memory at a time), in the order
 * the server lists them. "Directory marker" keys ending in {@code /} are not files and are skipped.
 */
final class RemoteListing implements Iterator<RemoteObject> {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private Iterator<S3Object> page;
  private String continuation;
  private boolean lastPage;
  private RemoteObject next;

  RemoteListing(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      if (page != null && page.hasNext()) {
        S3Object o = page.next();
        if (!o.key().endsWith("/")) {
          next =
              new RemoteObject(o.key(), o.size(), RemoteObject.unquote(o.eTag()), o.lastModified());
        }
        continue;
      }
      if (lastPage) {
        return false;
      }
      ListObjectsV2Request.Builder req =
          ListObjectsV2Request.builder().bucket(bucket).maxKeys(1000);
      if (!prefix.isEmpty()) {
        req.prefix(prefix);
      }
      if (continuation != null) {
        req.continuationToken(continuation);
      }
      ListObjectsV2Response resp = s3.listObjectsV2(req.build());
      page = resp.contents().iterator();
      continuation = resp.nextContinuationToken();
      lastPage = !Boolean.TRUE.equals(resp.isTruncated()) || continuation == null;
    }
    return true;
  }

  @Override
  public RemoteObject next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RemoteObject out = next;
    next = null;
    return out;
  }
}
