package ca.eazybackup.e3.agent.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Reads every answer the SDK parses itself (listings, errors, multipart replies) while the attempt
 * is still retriable, so a connection that breaks mid-body is retried like one that breaks before
 * it.
 *
 * <p>Why: the SDK's XML parser turns a read failure (a reset, a body cut short, Apache's {@code
 * MalformedChunkCodingException} from a corrupt chunked answer) into an {@link
 * java.io.UncheckedIOException}, which its retry stage does not catch (aws-sdk-java-v2#6578): one
 * bad listing page failed a whole backup or restore. Here the body is read before parsing and a
 * failure becomes a {@link RetryableException} the retry stage does retry. An object's content
 * (GetObject's 2xx body) is streamed to the caller untouched: it can be gigabytes, and its readers
 * retry on their own.
 */
final class BufferedResponseBodies implements ExecutionInterceptor {

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes executionAttributes) {
    Optional<InputStream> body = context.responseBody();
    if (body.isEmpty()
        || (context.request() instanceof GetObjectRequest
            && context.httpResponse().isSuccessful())) {
      return body;
    }
    try (InputStream in = body.get()) {
      return Optional.of(new ByteArrayInputStream(in.readAllBytes()));
    } catch (IOException e) {
      throw RetryableException.builder()
          .message("the connection broke while reading the answer: " + e)
          .cause(e)
          .build();
    }
  }
}
