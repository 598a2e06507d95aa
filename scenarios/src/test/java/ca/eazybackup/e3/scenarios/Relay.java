package ca.eazybackup.e3.scenarios;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transparent HTTP relay in front of a real server (the addon or S3) that can inject the faults a
 * real server won't produce on demand: an outage, a stalled upload. WireMock only does that.
 */
final class Relay implements AutoCloseable {
  private final WireMockServer wm;
  private final StallWindow stall = new StallWindow();
  private final FaultPlan plan = new FaultPlan();
  private final String origin;
  private StubMapping outage;
  private StubMapping uploadOutage;

  Relay(URI target) {
    origin = target.getScheme() + "://" + target.getAuthority();
    // preserveHostHeader keeps SigV4 signatures valid: the client signed the relay's host.
    wm =
        new WireMockServer(
            options()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .preserveHostHeader(true)
                .extensions(stall, plan.definitions, plan.bodies));
    wm.start();
    wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(origin)));
  }

  /** {@code target}'s URL with the relay's host and port. */
  String urlFor(URI target) {
    return "http://127.0.0.1:"
        + wm.port()
        + (target.getRawPath() == null ? "" : target.getRawPath());
  }

  /** Every request is answered by a connection reset until {@link #restore()}. */
  void cutOff() {
    outage =
        wm.stubFor(
            any(anyUrl())
                .atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
  }

  void restore() {
    if (outage != null) {
      wm.removeStub(outage);
      outage = null;
    }
  }

  /**
   * Every PUT whose URL matches {@code urlRegex} is answered 503 SlowDown until {@link
   * #acceptUploads()}: an S3 that refuses uploads for a while, however often the client retries.
   */
  void refuseUploads(String urlRegex) {
    uploadOutage =
        wm.stubFor(
            put(com.github.tomakehurst.wiremock.client.WireMock.urlMatching(urlRegex))
                .atPriority(2)
                .willReturn(
                    aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/xml")
                        .withBody(
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown"
                                + "</Code><Message>injected outage</Message></Error>")));
  }

  void acceptUploads() {
    if (uploadOutage != null) {
      wm.removeStub(uploadOutage);
      uploadOutage = null;
    }
  }

  /** Uploads refused by {@link #refuseUploads}. */
  int refusedUploads() {
    return (int)
        wm.getAllServeEvents().stream()
            .filter(e -> e.getStubMapping() != null && e.getStubMapping().getPriority() != null)
            .filter(e -> e.getStubMapping().getPriority() == 2)
            .count();
  }

  /** Requests the relay refused while cut off. */
  int refused() {
    return (int)
        wm.getAllServeEvents().stream()
            .filter(e -> e.getStubMapping() != null && e.getStubMapping().getPriority() != null)
            .filter(e -> e.getStubMapping().getPriority() == 1)
            .count();
  }

  /**
   * S3 stalls: from the first PUT (an object or part upload) on, for {@code millis}, every PUT is
   * answered only when the window ends. A client that gives up on an attempt (the agent's socket
   * timeout) and retries is stalled again until the end, so the stall really lasts {@code millis}
   * however the client's timeouts are set.
   */
  StallWindow stallUploadsFor(String origin, long millis) {
    stall.length = millis;
    wm.stubFor(
        put(anyUrl())
            .atPriority(1)
            .willReturn(aResponse().proxiedFrom(origin).withTransformers(StallWindow.NAME)));
    return stall;
  }

  /**
   * The relay's fault plan: rules added to it apply from now on to every request (the rest is
   * forwarded unchanged).
   */
  FaultPlan faults() {
    wm.stubFor(
        any(anyUrl())
            .atPriority(5)
            .willReturn(
                aResponse()
                    .proxiedFrom(origin)
                    .withTransformers(FaultPlan.DEFINITIONS, FaultPlan.BODIES)));
    return plan;
  }

  /**
   * The first request whose URL contains {@code urlPart} gets {@code json} instead of the real
   * answer.
   */
  void answerOnceWith(String urlPart, String json) {
    String name = "once-" + java.util.UUID.randomUUID();
    wm.stubFor(
        any(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                ".*" + java.util.regex.Pattern.quote(urlPart)))
            .atPriority(1)
            .inScenario(name)
            .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
            .willSetStateTo("answered")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(json)));
  }

  /** Every GET (downloads, listings) is answered {@code millis} late. */
  void delayDownloads(String origin, int millis) {
    wm.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.get(anyUrl())
            .atPriority(1)
            .willReturn(aResponse().proxiedFrom(origin).withFixedDelay(millis)));
  }

  /** The stall window of {@link #stallUploadsFor}: when it began and ends, and what it held. */
  static final class StallWindow implements ResponseDefinitionTransformerV2 {
    static final String NAME = "stall-window";
    private volatile long length;
    private volatile long startMillis;
    private final AtomicInteger stalled = new AtomicInteger();

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      long now = System.currentTimeMillis();
      synchronized (this) {
        if (startMillis == 0) {
          startMillis = now;
        }
      }
      long left = startMillis + length - now;
      if (left <= 0) {
        return event.getResponseDefinition();
      }
      stalled.incrementAndGet();
      return ResponseDefinitionBuilder.like(event.getResponseDefinition())
          .withFixedDelay((int) left)
          .build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }

    /** When the first upload arrived (epoch ms), 0 before. */
    long startedAtMillis() {
      return startMillis;
    }

    long endsAtMillis() {
      return startMillis + length;
    }

    /** Upload attempts held back (a retry after a timeout counts again). */
    int stalledAttempts() {
      return stalled.get();
    }
  }

  /**
   * Every request the relay has seen since the start or {@link #forgetRequests()}, oldest first.
   */
  java.util.List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests() {
    return wm.getAllServeEvents().stream()
        .map(com.github.tomakehurst.wiremock.stubbing.ServeEvent::getRequest)
        .sorted(
            java.util.Comparator.comparing(
                com.github.tomakehurst.wiremock.verification.LoggedRequest::getLoggedDate))
        .toList();
  }

  void forgetRequests() {
    wm.resetRequests();
  }

  @Override
  public void close() {
    wm.stop();
  }
}
