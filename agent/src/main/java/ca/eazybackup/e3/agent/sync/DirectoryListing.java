package ca.eazybackup.e3.agent.sync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Streams the objects under a prefix in key order by listing one "directory" ({@code delimiter=/})
 * at a time, the way rclone lists without {@code --fast-list}. Servers that keep objects as files
 * (S3Proxy, MinIO on a filesystem) answer a flat listing by walking the whole subtree for every
 * page, and very large flat listings time out on Ceph RGW (rclone#5166); per-directory listings
 * stay small. The subdirectories of the directory being read are listed ahead on {@code executor},
 * so the round trips overlap. Memory: the entries of the directories on the current path and of
 * their listed-ahead children.
 */
final class DirectoryListing implements Iterator<RemoteObject> {
  /** A subdirectory, listed once its parent becomes the directory being read. */
  private final class Dir {
    final String prefix;
    CompletableFuture<List<Object>> entries;

    Dir(String prefix) {
      this.prefix = prefix;
    }

    void start() {
      if (entries == null) {
        entries = CompletableFuture.supplyAsync(() -> list(prefix), executor);
      }
    }
  }

  private final S3Client s3;
  private final String bucket;
  private final Executor executor;
  private final Deque<Iterator<Object>> stack = new ArrayDeque<>();
  private RemoteObject next;

  DirectoryListing(S3Client s3, String bucket, String prefix, Executor executor) {
    this.s3 = s3;
    this.bucket = bucket;
    this.executor = executor;
    Dir root = new Dir(prefix);
    root.start();
    stack.push(List.<Object>of(root).iterator());
  }

  @Override
  public boolean hasNext() {
    while (next == null && !stack.isEmpty()) {
      Iterator<Object> top = stack.peek();
      if (!top.hasNext()) {
        stack.pop();
        continue;
      }
      Object item = top.next();
      if (item instanceof RemoteObject o) {
        next = o;
      } else {
        Dir dir = (Dir) item;
        dir.start();
        List<Object> entries = join(dir.entries);
        for (Object e : entries) {
          if (e instanceof Dir child) {
            child.start(); // list ahead while this directory's files are compared
          }
        }
        stack.push(entries.iterator());
      }
    }
    return next != null;
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

  private static List<Object> join(CompletableFuture<List<Object>> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /** One directory, all pages, files and subdirectories merged in key order. */
  private List<Object> list(String prefix) {
    List<RemoteObject> files = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    String token = null;
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
        if (!o.key().endsWith("/")) {
          files.add(
              new RemoteObject(
                  o.key(), o.size(), RemoteObject.unquote(o.eTag()), o.lastModified()));
        }
      }
      for (CommonPrefix p : resp.commonPrefixes()) {
        if (!p.prefix().equals(prefix)) {
          dirs.add(p.prefix());
        }
      }
      token = Boolean.TRUE.equals(resp.isTruncated()) ? resp.nextContinuationToken() : null;
    } while (token != null);
    files.sort((a, b) -> KeyOrder.INSTANCE.compare(a.key(), b.key()));
    dirs.sort(KeyOrder.INSTANCE);
    List<Object> merged = new ArrayList<>(files.size() + dirs.size());
    int i = 0;
    int j = 0;
    while (i < files.size() || j < dirs.size()) {
      if (j >= dirs.size()
          || (i < files.size() && KeyOrder.INSTANCE.compare(files.get(i).key(), dirs.get(j)) < 0)) {
        merged.add(files.get(i++));
      } else {
        merged.add(new Dir(dirs.get(j++)));
      }
    }
    return merged;
  }
}
