package ca.eazybackup.e3.agent.sync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts S3 operations by name (PutObject, UploadPart, HeadObject, …) as the client sends them. */
final class RequestCounter implements ExecutionInterceptor {
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  volatile long firstUploadStartNanos;
  volatile long lastUploadEndNanos;

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attrs) {
    String op = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    counts.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
    if (isUpload(op)) {
      synchronized (this) {
        if (firstUploadStartNanos == 0) {
          firstUploadStartNanos = System.nanoTime();
        }
      }
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attrs) {
    if (isUpload(attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
      lastUploadEndNanos = System.nanoTime();
    }
  }

  private static boolean isUpload(String op) {
    return "PutObject".equals(op) || "UploadPart".equals(op);
  }

  long count(String operation) {
    AtomicLong n = counts.get(operation);
    return n == null ? 0 : n.get();
  }

  /** Requests that send object content. */
  long uploads() {
    return count("PutObject") + count("UploadPart") + count("CreateMultipartUpload");
  }

  void reset() {
    counts.clear();
    firstUploadStartNanos = 0;
    lastUploadEndNanos = 0;
  }

  @Override
  public String toString() {
    return counts.toString();
  }
}
