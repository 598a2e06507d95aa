package ca.eazybackup.e3.agent.s3;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that sends nothing and answers every request with 200 and an empty S3 listing:
 * what {@link S3Warmup} runs the SDK's request path against, so no request leaves the process.
 */
final class CannedHttpClient implements SdkHttpClient {
  private static final byte[] BODY =
      ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
              + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              + "<Name>warm-up</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"
              + "</ListBucketResult>")
          .getBytes(StandardCharsets.UTF_8);

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(200)
                    .putHeader("Content-Type", "application/xml")
                    .putHeader("Content-Length", Integer.toString(BODY.length))
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(BODY)))
            .build();
      }

      @Override
      public void abort() {
        // nothing in flight
      }
    };
  }

  @Override
  public void close() {
    // nothing to release
  }
}
