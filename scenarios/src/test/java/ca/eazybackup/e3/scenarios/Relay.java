package ca.eazybackup.e3.scenarios;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.URI;

/**
 * A transparent HTTP relay in front of a real server (the addon or S3) that can inject the faults a
 * real server won't produce on demand: an outage, a stalled upload. WireMock only does that.
 */
final class Relay implements AutoCloseable {
  private final WireMockServer wm;
  private StubMapping outage;

  Relay(URI target) {
    String origin = target.getScheme() + "://" + target.getAuthority();
    // preserveHostHeader keeps SigV4 signatures valid: the client signed the relay's host.
    wm =
        new WireMockServer(
            options().dynamicPort().bindAddress("127.0.0.1").preserveHostHeader(true));
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

  /** Requests the relay refused while cut off. */
  int refused() {
    return (int)
        wm.getAllServeEvents().stream()
            .filter(e -> e.getStubMapping() != null && e.getStubMapping().getPriority() != null)
            .filter(e -> e.getStubMapping().getPriority() == 1)
            .count();
  }

  /** The first PUT (an object upload) is forwarded only after {@code millis}. */
  void stallFirstUpload(String origin, int millis) {
    wm.stubFor(
        put(anyUrl())
            .atPriority(1)
            .inScenario("stall")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("stalled-once")
            .willReturn(aResponse().proxiedFrom(origin).withFixedDelay(millis)));
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
