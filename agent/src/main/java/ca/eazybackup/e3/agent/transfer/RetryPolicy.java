package ca.eazybackup.e3.agent.transfer;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The agent's one answer to "should this be tried again, and when": which failures are worth
 * another attempt, how long to wait between attempts, and for how long to keep trying. The S3
 * clients' own request retries ({@link #sdkStrategy}), the kopia engine's blob storage, the sync
 * engine's per-file attempts and Cloud NAS all take it from here.
 *
 * <p>Classification (restic#4018 and #1600 are what giving up too early costs; retrying a wrong key
 * for minutes is what the opposite costs): throttling (429, 503 SlowDown), server errors (5xx),
 * timeouts, connection failures and bodies cut short are retried with jittered exponential backoff
 * for a window of minutes. Refused credentials (401/403), a missing bucket, a missing object and
 * other bad requests (4xx) fail at once with a message that says what to fix. A cancelled run
 * ({@link InterruptedIOException}, the SDK's {@link AbortedException}) is never retried.
 */
public final class RetryPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  /** S3 error codes sent with a 4xx status that are nonetheless transient. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "RequestTimeout",
          "RequestTimeTooSkewed",
          "BadDigest",
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "TooManyRequests",
          "RequestThrottled",
          "OperationAborted",
          "InternalError",
          "ServiceUnavailable");

  /** Jittered backoff from 250 ms, capped at 20 s, within a window of 5 minutes. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(
          Duration.ofMillis(250), Duration.ofSeconds(20), Duration.ofMinutes(5), Ticker.SYSTEM);

  private final Duration initialDelay;
  private final Duration maxDelay;
  private final Duration window;
  private final Ticker ticker;

  public RetryPolicy(Duration initialDelay, Duration maxDelay, Duration window, Ticker ticker) {
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
    this.window = window;
    this.ticker = ticker;
  }

  public Duration window() {
    return window;
  }

  /** What a failure means for another attempt, and a message a user can act on. */
  public record Verdict(boolean retriable, String reason) {}

  /** Whether another attempt may succeed after {@code e}. */
  public static boolean isRetriable(Throwable e) {
    return classify(e).retriable();
  }

  /** Classifies {@code e} (and, for wrappers without an opinion, its causes). */
  public static Verdict classify(Throwable e) {
    Verdict plainIo = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      Verdict v = classifyOne(t);
      if (v != null) {
        return v;
      }
      if (plainIo == null && t instanceof IOException) {
        // reset, truncated body, EOF: transient, unless a cause knows better
        plainIo = new Verdict(true, String.valueOf(t.getMessage()));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return plainIo != null ? plainIo : new Verdict(false, String.valueOf(e.getMessage()));
  }

  private static Verdict classifyOne(Throwable t) {
    if (t instanceof RetryHint hint) {
      return new Verdict(hint.retriable(), String.valueOf(t.getMessage()));
    }
    if (t instanceof AwsServiceException s) {
      return classifyService(s);
    }
    if (t instanceof AbortedException) {
      return new Verdict(false, "cancelled");
    }
    if (t instanceof ApiCallAttemptTimeoutException || t instanceof ApiCallTimeoutException) {
      return new Verdict(true, "request timed out: " + t.getMessage());
    }
    if (t instanceof SdkClientException c) {
      // An HTTP-level failure (refused, reset, timed out) carries an IOException cause and is
      // transient; a client-side mistake (bad endpoint URI, unmarshallable request) is not.
      if (c.retryable() || hasIoCause(c)) {
        return new Verdict(true, "cannot reach the server: " + c.getMessage());
      }
      return null; // look at the cause, else permanent
    }
    if (t instanceof SocketTimeoutException) {
      return new Verdict(true, "timed out: " + t.getMessage());
    }
    if (t instanceof InterruptedIOException || t instanceof InterruptedException) {
      return new Verdict(false, "cancelled");
    }
    if (t instanceof NoSuchFileException
        || t instanceof FileNotFoundException
        || t instanceof AccessDeniedException) {
      return new Verdict(false, String.valueOf(t.getMessage()));
    }
    return null;
  }

  private static boolean hasIoCause(Throwable t) {
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      if (c instanceof InterruptedIOException && !(c instanceof SocketTimeoutException)) {
        return false;
      }
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static Verdict classifyService(AwsServiceException s) {
    int status = s.statusCode();
    String code =
        s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null
            ? ""
            : s.awsErrorDetails().errorCode();
    String detail = "HTTP " + status + (code.isEmpty() ? "" : " " + code);
    if ("NoSuchBucket".equals(code)) {
      return new Verdict(false, "the bucket does not exist (" + detail + ")");
    }
    if (status == 401
        || status == 403
        || code.equals("InvalidAccessKeyId")
        || code.equals("SignatureDoesNotMatch")
        || code.equals("AccessDenied")) {
      return new Verdict(
          false,
          "access denied ("
              + detail
              + "): check the access key, the secret key and the bucket's permissions");
    }
    if (TRANSIENT_CODES.contains(code)
        || s.isThrottlingException()
        || status >= 500
        || status == 429
        || status == 408
        || status == 0) {
      return new Verdict(true, "server busy or failing (" + detail + ")");
    }
    if (status == 404) {
      return new Verdict(false, "not found (" + detail + ")");
    }
    return new Verdict(false, "request refused (" + detail + "): " + message(s));
  }

  private static String message(AwsServiceException s) {
    return s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null
        ? String.valueOf(s.getMessage())
        : s.awsErrorDetails().errorMessage();
  }

  /** The wait before attempt {@code attempt + 1}: exponential, capped, jittered to [d/2, d]. */
  public Duration backoff(int attempt) {
    long d = initialDelay.toNanos();
    for (int i = 1; i < attempt && d < maxDelay.toNanos(); i++) {
      d *= 2;
    }
    d = Math.min(d, maxDelay.toNanos());
    return Duration.ofNanos(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
  }

  /**
   * Waits {@link #backoff(int)} after failed attempt {@code attempt}, returning early with an
   * {@link InterruptedIOException} when {@code cancelled} turns true or the thread is interrupted.
   */
  public void pause(int attempt, BooleanSupplier cancelled) throws InterruptedIOException {
    sleep(backoff(attempt).toNanos(), cancelled);
  }

  private void sleep(long nanos, BooleanSupplier cancelled) throws InterruptedIOException {
    long deadline = ticker.nanoTime() + nanos;
    while (true) {
      if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("cancelled while backing off");
      }
      long left = deadline - ticker.nanoTime();
      if (left <= 0) {
        return;
      }
      ticker.park(Math.min(left, 100_000_000L));
    }
  }

  /** One attempt of an operation. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails permanently, or the retry window is spent.
   * Permanent failures are rethrown as they are; a spent window rethrows the last failure wrapped
   * in a {@link GaveUpException} saying how many attempts were made.
   */
  public <T> T run(String what, Attempt<T> attempt, BooleanSupplier cancelled) throws IOException {
    long start = ticker.nanoTime();
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (IOException e) {
        Verdict v = classify(e);
        if (!v.retriable() || cancelled.getAsBoolean()) {
          throw e;
        }
        Duration wait = backoff(n);
        long elapsed = ticker.nanoTime() - start;
        if (elapsed + wait.toNanos() > window.toNanos()) {
          throw new GaveUpException(
              what
                  + " failed after "
                  + n
                  + " attempts over "
                  + Duration.ofNanos(elapsed).toSeconds()
                  + " s: "
                  + e.getMessage(),
              e);
        }
        LOG.warn(
            "event=retry op=\"{}\" attempt={} delayMs={} error=\"{}\"",
            what,
            n,
            wait.toMillis(),
            v.reason());
        sleep(wait.toNanos(), cancelled);
      }
    }
  }

  /** The retry window was spent on a transient failure; not retried again by outer layers. */
  public static final class GaveUpException extends IOException implements RetryHint {
    private static final long serialVersionUID = 1L;

    GaveUpException(String message, IOException last) {
      super(message, last);
    }

    @Override
    public boolean retriable() {
      return false;
    }
  }

  /**
   * The same policy as the AWS SDK's per-request retry strategy: {@code maxAttempts} attempts with
   * this policy's backoff (throttling backs off from twice the base), the SDK's circuit breaker off
   * (a burst of throttling on many parallel transfers must not disable retries for the whole run),
   * and a cut attempt (stuck request) retried like a reset connection.
   */
  public RetryStrategy sdkStrategy(int maxAttempts) {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(maxAttempts)
        .circuitBreakerEnabled(false)
        .backoffStrategy(BackoffStrategy.exponentialDelay(initialDelay, maxDelay))
        .throttlingBackoffStrategy(
            BackoffStrategy.exponentialDelay(initialDelay.multipliedBy(2), maxDelay))
        .retryOnException(e -> e instanceof ApiCallAttemptTimeoutException)
        .build();
  }
}
