package ca.eazybackup.e3.agent.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

class MemoizedEndpointProviderTest {
  private static final S3EndpointProvider RULES = S3EndpointProvider.defaultProvider();

  private static S3EndpointParams params(
      String endpoint, String region, String bucket, String key) {
    return S3EndpointParams.builder()
        .endpoint(endpoint)
        .region(Region.of(region))
        .forcePathStyle(true)
        .useFips(false)
        .useDualStack(false)
        .accelerate(false)
        .useGlobalEndpoint(false)
        .bucket(bucket)
        .key(key)
        .build();
  }

  @Test
  void givesWhatTheRulesGiveForEveryBucketAndKey() {
    MemoizedEndpointProvider memo = new MemoizedEndpointProvider(RULES);
    for (String endpoint :
        List.of(
            "http://127.0.0.1:9000", "https://s3.example.com", "https://s3.example.com/base/")) {
      for (String bucket : Arrays.asList("backups", "my.bucket", "UPPER", "a b", null)) {
        for (String key : List.of("k", "dir/file name.txt", "x")) {
          S3EndpointParams p = params(endpoint, "ca-central-1", bucket, key);
          Endpoint expected = RULES.resolveEndpoint(p).join();
          Endpoint actual = memo.resolveEndpoint(p).join();
          assertThat(actual.url()).as("%s %s %s", endpoint, bucket, key).isEqualTo(expected.url());
          assertThat(actual.headers()).isEqualTo(expected.headers());
          assertThat(actual.attribute(AwsEndpointAttribute.AUTH_SCHEMES))
              .isEqualTo(expected.attribute(AwsEndpointAttribute.AUTH_SCHEMES));
        }
      }
    }
  }

  @Test
  void resolvesEachBucketOnceWhateverTheKey() {
    AtomicInteger calls = new AtomicInteger();
    MemoizedEndpointProvider memo =
        new MemoizedEndpointProvider(
            p -> {
              calls.incrementAndGet();
              return RULES.resolveEndpoint(p);
            });
    for (int i = 0; i < 100; i++) {
      memo.resolveEndpoint(params("http://127.0.0.1:9000", "us-east-1", "one", "key-" + i)).join();
      memo.resolveEndpoint(params("http://127.0.0.1:9000", "us-east-1", "two", "key-" + i)).join();
    }
    assertThat(calls).hasValue(2);
    // Another region is another endpoint: never answered from the first one's entry.
    Endpoint other =
        memo.resolveEndpoint(params("http://127.0.0.1:9000", "eu-west-3", "one", "k")).join();
    assertThat(calls).hasValue(3);
    assertThat(other.attribute(AwsEndpointAttribute.AUTH_SCHEMES).toString())
        .isEqualTo(
            RULES
                .resolveEndpoint(params("http://127.0.0.1:9000", "eu-west-3", "one", "k"))
                .join()
                .attribute(AwsEndpointAttribute.AUTH_SCHEMES)
                .toString());
  }

  @Test
  void aRuleErrorIsRaisedEveryTimeAndNotRemembered() {
    AtomicInteger calls = new AtomicInteger();
    MemoizedEndpointProvider memo =
        new MemoizedEndpointProvider(
            p -> {
              calls.incrementAndGet();
              return CompletableFuture.failedFuture(new IllegalArgumentException("invalid bucket"));
            });
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(
              () -> memo.resolveEndpoint(params("http://h:1", "us-east-1", "b", "k")).join())
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(calls).hasValue(2);
  }

  /**
   * The memo is only right while its key holds every parameter the rules may read. An SDK upgrade
   * that adds an endpoint parameter fails here until {@link MemoizedEndpointProvider.Key} (or the
   * list of parameters known not to matter) says what to do with it.
   */
  @Test
  void theKeyCoversEveryEndpointParameter() {
    Set<String> notReadByTheRules = Set.of("key", "prefix", "copySource", "deleteObjectKeys");
    Set<String> parameters =
        Arrays.stream(S3EndpointParams.class.getDeclaredMethods())
            .filter(
                m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
            .filter(m -> m.getParameterCount() == 0 && !m.getName().equals("toBuilder"))
            .map(Method::getName)
            .collect(Collectors.toSet());
    Set<String> keyed =
        Arrays.stream(MemoizedEndpointProvider.Key.class.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toSet());
    assertThat(parameters).containsAll(keyed).containsAll(notReadByTheRules);
    assertThat(keyed.size() + notReadByTheRules.size()).isEqualTo(parameters.size());
  }
}
