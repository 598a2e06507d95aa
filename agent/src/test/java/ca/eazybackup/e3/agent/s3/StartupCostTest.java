package ca.eazybackup.e3.agent.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

/** What the start-up savings of the S3 layer must not cost: TLS for an https endpoint. */
class StartupCostTest {
  private final S3ClientFactory factory =
      new S3ClientFactory(Duration.ofSeconds(5), 2, List.of(), 1, Duration.ofSeconds(5));

  /**
   * A client built without a TLS factory (plain http endpoint) must never fall back to a plain
   * connection for an https URL: it fails with a TLS error before connecting.
   */
  @Test
  void aPlainHttpClientRefusesHttpsInsteadOfConnectingInTheClear() throws Exception {
    try (SdkHttpClient http =
        factory.httpClient(new S3Target("http://127.0.0.1:9", null, "ak", "sk"))) {
      SdkHttpFullRequest request =
          SdkHttpFullRequest.builder()
              .method(SdkHttpMethod.GET)
              .uri(URI.create("https://127.0.0.1:1/bucket/key"))
              .build();
      assertThatThrownBy(
              () ->
                  http.prepareRequest(HttpExecuteRequest.builder().request(request).build()).call())
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("makes no TLS connections");
    }
  }

  @Test
  void httpsEndpointsKeepTheSdksTlsFactory() {
    assertThat(S3ClientFactory.isPlainHttp(new S3Target("https://s3.example.com", null, "a", "s")))
        .isFalse();
    assertThat(S3ClientFactory.isPlainHttp(new S3Target("s3.example.com", null, "a", "s")))
        .isFalse();
    assertThat(S3ClientFactory.isPlainHttp(new S3Target("http://127.0.0.1:9000", null, "a", "s")))
        .isTrue();
  }
}
