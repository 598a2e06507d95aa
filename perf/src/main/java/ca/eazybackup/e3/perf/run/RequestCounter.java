package ca.eazybackup.e3.perf.run;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the S3 requests our engines send, by operation (each HTTP attempt, retries included), for
 * the cost model: requests are what a provider bills besides storage. Whole-object GETs sent by
 * DirectGet bypass the SDK's interceptors and are added from its own counter.
 */
final class RequestCounter implements ExecutionInterceptor {
  private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
    String op = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    byOperation.computeIfAbsent(op == null ? "?" : op, k -> new LongAdder()).increment();
  }

  /** The counts so far, by operation name, sorted. */
  Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    byOperation.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** {@code after - before}, keeping only operations that were sent. */
  static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long n = v - before.getOrDefault(k, 0L);
          if (n > 0) {
            d.put(k, n);
          }
        });
    return d;
  }
}
