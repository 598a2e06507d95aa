package ca.eazybackup.e3.agent.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Drops the {@code Expect: 100-continue} header the S3 client adds to uploads: it makes every PUT
 * wait one extra round trip before sending the body, which halves small-object throughput, and it
 * only saves bandwidth when a request is refused, which is rare for a correctly signed request.
 */
final class NoExpectContinue implements ExecutionInterceptor {

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    if (request.firstMatchingHeader("Expect").isEmpty()) {
      return request;
    }
    return request.toBuilder().removeHeader("Expect").build();
  }
}
