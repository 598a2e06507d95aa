package ca.eazybackup.e3.agent.s3;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs the AWS SDK's start-up work on a second core while the CLI parses its arguments. A fresh JVM
 * spends ~0.4 s building its first S3 client and preparing its first request (class initialisation,
 * the SDK's region and service metadata, endpoint rules, the signer, the XML unmarshaller, the
 * Apache client's connection manager): work that is the same for every target and was done on the
 * main thread, after the arguments were parsed and before the repository's first byte could be
 * asked for. Here a throwaway client, built exactly as {@link S3ClientFactory} builds one, answers
 * a GET and a listing from {@link CannedHttpClient}: nothing leaves the process, no key is
 * involved, and the real client then finds that work done. For an {@code https://} endpoint the
 * throwaway Apache client is built with the SDK's TLS factory, so the JDK's TLS set-up and trust
 * store (cached by the JDK) are ready too; for {@code http://} it skips them as the real one does
 * ({@link TlsRefused}). A failure only means no head start.
 */
public final class S3Warmup {
  private static final S3Target NOWHERE =
      new S3Target("http://127.0.0.1:9", "us-east-1", "warm-up", "warm-up");
  private static final S3Target NOWHERE_TLS =
      new S3Target("https://127.0.0.1:9", "us-east-1", "warm-up", "warm-up");

  private S3Warmup() {}

  /**
   * Starts the warm-up on a daemon thread and returns at once. {@code args} are the command line's:
   * an {@code --endpoint} starting with {@code http://} means no TLS; anything else (no endpoint
   * given: the agent's configured one, https in practice) warms TLS too.
   */
  public static void start(String... args) {
    boolean tls = !endpointArgument(args).startsWith("http://");
    Thread t = new Thread(() -> run(tls), "s3-warm-up");
    t.setDaemon(true);
    t.start();
  }

  static String endpointArgument(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--endpoint=")) {
        return args[i].substring("--endpoint=".length());
      }
      if (args[i].equals("--endpoint") && i + 1 < args.length) {
        return args[i + 1];
      }
    }
    return "";
  }

  /** The warm-up, on the caller's thread; true when both requests went through the SDK. */
  static boolean run(boolean tls) {
    S3ClientFactory factory =
        new S3ClientFactory(Duration.ofSeconds(30), 1, List.of(), 1, Duration.ofSeconds(30));
    try (SdkHttpClient apache = factory.httpClient(tls ? NOWHERE_TLS : NOWHERE);
        SdkHttpClient canned = new CannedHttpClient();
        S3Client s3 = factory.sdkClient(NOWHERE, canned)) {
      s3.getObject(b -> b.bucket("warm-up").key("kopia.repository"), ResponseTransformer.toBytes());
      s3.listObjectsV2(b -> b.bucket("warm-up").prefix("x"));
      return true;
    } catch (RuntimeException e) {
      // only a head start: the real client does the same work itself
      return false;
    }
  }
}
