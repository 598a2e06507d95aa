package ca.eazybackup.e3.agent.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class RetryPolicyTest {
  private final FakeTicker ticker = new FakeTicker();
  private final RetryPolicy policy =
      new RetryPolicy(
          Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(2), ticker);

  private static S3Exception s3(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage(code + " message").build())
            .message(code)
            .build();
  }

  @Test
  void refusedCredentialsMissingBucketsAndBadRequestsArePermanentWithAMessageToActOn() {
    assertThat(RetryPolicy.classify(s3(403, "AccessDenied")))
        .satisfies(v -> assertThat(v.retriable()).isFalse())
        .satisfies(v -> assertThat(v.reason()).contains("access denied").contains("access key"));
    assertThat(RetryPolicy.classify(s3(403, "SignatureDoesNotMatch")).retriable()).isFalse();
    assertThat(RetryPolicy.classify(s3(401, "Unauthorized")).retriable()).isFalse();
    assertThat(RetryPolicy.classify(s3(404, "NoSuchBucket")))
        .satisfies(v -> assertThat(v.retriable()).isFalse())
        .satisfies(v -> assertThat(v.reason()).contains("bucket does not exist"));
    assertThat(RetryPolicy.classify(s3(400, "InvalidArgument")).retriable()).isFalse();
    assertThat(RetryPolicy.classify(s3(404, "NoSuchKey")).retriable()).isFalse();
    assertThat(RetryPolicy.classify(new AccessDeniedException("/x")).retriable()).isFalse();
  }

  @Test
  void throttlingServerErrorsTimeoutsAndBrokenConnectionsAreRetried() {
    assertThat(RetryPolicy.classify(s3(503, "SlowDown")).retriable()).isTrue();
    assertThat(RetryPolicy.classify(s3(500, "InternalError")).retriable()).isTrue();
    assertThat(RetryPolicy.classify(s3(429, "TooManyRequests")).retriable()).isTrue();
    assertThat(RetryPolicy.classify(s3(400, "RequestTimeout")).retriable()).isTrue();
    assertThat(RetryPolicy.classify(s3(400, "BadDigest")).retriable()).isTrue();
    assertThat(
            RetryPolicy.isRetriable(
                SdkClientException.create(
                    "Unable to execute HTTP request", new ConnectException("refused"))))
        .isTrue();
    assertThat(RetryPolicy.isRetriable(ApiCallAttemptTimeoutException.create(1000))).isTrue();
    assertThat(RetryPolicy.isRetriable(new SocketTimeoutException("read timed out"))).isTrue();
    assertThat(RetryPolicy.isRetriable(new IOException("Connection reset"))).isTrue();
    // a body garbled on the wire, as a direct GET's stream reports it (s3 faults scenario)
    assertThat(
            RetryPolicy.isRetriable(
                new org.apache.http.MalformedChunkCodingException("Bad chunk header: x")))
        .isTrue();
    assertThat(
            RetryPolicy.isRetriable(
                new org.apache.http.ConnectionClosedException("Premature end of body")))
        .isTrue();
  }

  @Test
  void aCancelledRunIsNeverRetried() {
    assertThat(RetryPolicy.isRetriable(new InterruptedIOException("cancelled"))).isFalse();
    assertThat(RetryPolicy.isRetriable(AbortedException.create("aborted"))).isFalse();
    assertThat(
            RetryPolicy.isRetriable(
                SdkClientException.create("x", new InterruptedIOException("cancelled"))))
        .isFalse();
  }

  @Test
  void aStorageLayersOwnVerdictWins() {
    class Permanent extends IOException implements RetryHint {
      Permanent() {
        super("killed");
      }

      @Override
      public boolean retriable() {
        return false;
      }
    }
    assertThat(RetryPolicy.isRetriable(new Permanent())).isFalse();
    assertThat(RetryPolicy.isRetriable(new IOException("wrapped", new Permanent()))).isFalse();
  }

  @Test
  void retriesTransientFailuresWithGrowingJitteredWaitsUntilTheyPass() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String r =
        policy.run(
            "op",
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw new IOException("Connection reset");
              }
              return "done";
            },
            () -> false);
    assertThat(r).isEqualTo("done");
    assertThat(calls).hasValue(4);
    // waits of [50,100] + [100,200] + [200,400] ms
    assertThat(ticker.waited()).isBetween(Duration.ofMillis(350), Duration.ofMillis(700));
  }

  @Test
  void givesUpWhenTheWindowIsSpentAndSaysHowOften() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                policy.run(
                    "put a",
                    () -> {
                      calls.incrementAndGet();
                      throw new IOException("Connection reset");
                    },
                    () -> false))
        .isInstanceOf(RetryPolicy.GaveUpException.class)
        .hasMessageContaining("put a failed after")
        .hasMessageContaining("attempts")
        .hasMessageContaining("Connection reset");
    assertThat(ticker.waited()).isLessThanOrEqualTo(Duration.ofMinutes(2));
    assertThat(ticker.waited()).isGreaterThan(Duration.ofMinutes(1));
    assertThat(calls.get()).isGreaterThan(5);
    assertThat(RetryPolicy.isRetriable(new RetryPolicy.GaveUpException("x", new IOException())))
        .as("an outer layer does not start the window again")
        .isFalse();
  }

  @Test
  void permanentFailuresFailOnTheFirstAttempt() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                policy.run(
                    "put b",
                    () -> {
                      calls.incrementAndGet();
                      throw new IOException("denied", s3(403, "AccessDenied"));
                    },
                    () -> false))
        .hasMessage("denied");
    assertThat(calls).hasValue(1);
    assertThat(ticker.parks()).isZero();
  }

  @Test
  void aCancelStopsTheBackoff() {
    boolean[] cancelled = {false};
    assertThatThrownBy(
            () ->
                policy.run(
                    "get c",
                    () -> {
                      cancelled[0] = true;
                      throw new IOException("Connection reset");
                    },
                    () -> cancelled[0]))
        .hasMessage("Connection reset");
  }
}
