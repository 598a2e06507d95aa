package ca.eazybackup.e3.scenarios;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Faults a relay injects on chosen requests: the n-th request (1-based, counted per rule) of a
 * method and URL pattern gets a fault instead of (or on top of) the real answer. Every rule counts
 * how often it fired, so a scenario can prove its faults happened.
 *
 * <p>Faults: {@code http N} (status N, a JSON or S3 XML error body, not forwarded), {@code reset}
 * (connection reset, not forwarded), {@code empty} (connection closed without an answer), {@code
 * malformed json} (200 with cut JSON, not forwarded), {@code slow MS} (forwarded, answered MS
 * late), {@code timeout} (forwarded, answered 35 s late: past the agent's 30 s request timeout),
 * {@code reset mid-body} (forwarded, the body cut by a reset), {@code truncated} (forwarded, half
 * the body sent under the full Content-Length), {@code wrong etag} (forwarded, the ETag header
 * replaced).
 */
final class FaultPlan {
  static final String DEFINITIONS = "fault-plan";
  static final String BODIES = "fault-plan-bodies";

  /** One rule: which requests, which fault, how often it fired. */
  static final class Rule {
    final String method;
    final Pattern url;
    final Set<Integer> ordinals;
    final String fault;
    final AtomicInteger seen = new AtomicInteger();
    final AtomicInteger fired = new AtomicInteger();

    /** Ordinals reached but not fired yet (another rule faulted that request). */
    final AtomicInteger owed = new AtomicInteger();

    Rule(String method, String urlRegex, Set<Integer> ordinals, String fault) {
      this.method = method;
      this.url = Pattern.compile(urlRegex);
      this.ordinals = ordinals;
      this.fault = fault;
    }

    @Override
    public String toString() {
      return method + " " + url + " " + fault + " on " + ordinals + " (fired " + fired + ")";
    }
  }

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final Map<UUID, Rule> bodyFaults = new ConcurrentHashMap<>();

  Rule add(String method, String urlRegex, Set<Integer> ordinals, String fault) {
    Rule r = new Rule(method, urlRegex, ordinals, fault);
    rules.add(r);
    return r;
  }

  List<Rule> rules() {
    return new ArrayList<>(rules);
  }

  /** Rules that have not fired as often as they name requests. */
  List<Rule> unfired() {
    return rules.stream().filter(r -> r.fired.get() < r.ordinals.size()).toList();
  }

  int firedTotal() {
    return rules.stream().mapToInt(r -> r.fired.get()).sum();
  }

  /**
   * The rule that fires on this request, if any. Every rule matching the request counts it, also
   * when another rule fires on it: "reset on 6" is the sixth request of that URL, whatever other
   * rules did to the ones before. When two rules fall on the same request, the first listed fires
   * and the other fires on its next matching request.
   */
  synchronized Rule decide(String method, String url) {
    Rule firing = null;
    for (Rule r : rules) {
      if ((r.method == null || r.method.equals(method)) && r.url.matcher(url).find()) {
        if (r.ordinals.contains(r.seen.incrementAndGet())) {
          r.owed.incrementAndGet();
        }
        if (firing == null && r.owed.get() > 0) {
          r.owed.decrementAndGet();
          r.fired.incrementAndGet();
          firing = r;
        }
      }
    }
    return firing;
  }

  final ResponseDefinitionTransformerV2 definitions =
      new ResponseDefinitionTransformerV2() {
        @Override
        public ResponseDefinition transform(ServeEvent e) {
          Rule r = decide(e.getRequest().getMethod().getName(), e.getRequest().getUrl());
          ResponseDefinition real = e.getResponseDefinition();
          if (r == null) {
            return real;
          }
          String f = r.fault;
          if (f.startsWith("http ")) {
            int status = Integer.parseInt(f.substring(5).trim());
            boolean s3 = !e.getRequest().getUrl().contains(".php");
            String body =
                s3
                    ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                        + (status == 503 ? "SlowDown" : "InternalError")
                        + "</Code><Message>injected</Message></Error>"
                    : "{\"status\":\"fail\",\"message\":\"injected\"}";
            return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", s3 ? "application/xml" : "application/json")
                .withBody(body)
                .build();
          }
          switch (f) {
            case "reset":
              return ResponseDefinitionBuilder.responseDefinition()
                  .withFault(Fault.CONNECTION_RESET_BY_PEER)
                  .build();
            case "empty":
              return ResponseDefinitionBuilder.responseDefinition()
                  .withFault(Fault.EMPTY_RESPONSE)
                  .build();
            case "malformed json":
              return ResponseDefinitionBuilder.responseDefinition()
                  .withStatus(200)
                  .withHeader("Content-Type", "application/json")
                  .withBody("{\"status\":\"success\",\"ru")
                  .build();
            case "timeout":
              return ResponseDefinitionBuilder.like(real).withFixedDelay(35_000).build();
            default:
              if (f.startsWith("slow ")) {
                return ResponseDefinitionBuilder.like(real)
                    .withFixedDelay(Integer.parseInt(f.substring(5).trim()))
                    .build();
              }
              // reset mid-body, truncated, wrong etag: forwarded, changed once the answer is in
              bodyFaults.put(e.getId(), r);
              return real;
          }
        }

        @Override
        public boolean applyGlobally() {
          return false;
        }

        @Override
        public String getName() {
          return DEFINITIONS;
        }
      };

  final ResponseTransformerV2 bodies =
      new ResponseTransformerV2() {
        @Override
        public Response transform(Response response, ServeEvent e) {
          Rule r = bodyFaults.remove(e.getId());
          if (r == null) {
            return response;
          }
          byte[] body = response.getBody();
          switch (r.fault) {
            case "reset mid-body":
              return Response.Builder.like(response)
                  .but()
                  .fault(Fault.MALFORMED_RESPONSE_CHUNK)
                  .build();
            case "truncated":
              return Response.Builder.like(response)
                  .but()
                  .body(Arrays.copyOf(body, body.length / 2))
                  .headers(
                      withHeader(
                          response.getHeaders(), "Content-Length", String.valueOf(body.length)))
                  .build();
            case "wrong etag":
              return Response.Builder.like(response)
                  .but()
                  .headers(
                      withHeader(
                          response.getHeaders(), "ETag", "\"00000000000000000000000000000bad\""))
                  .build();
            default:
              throw new IllegalArgumentException("unknown fault '" + r.fault + "'");
          }
        }

        @Override
        public boolean applyGlobally() {
          return false;
        }

        @Override
        public String getName() {
          return BODIES;
        }
      };

  private static HttpHeaders withHeader(HttpHeaders headers, String name, String value) {
    List<HttpHeader> out = new ArrayList<>();
    for (HttpHeader h : headers.all()) {
      if (!h.keyEquals(name)) {
        out.add(h);
      }
    }
    out.add(new HttpHeader(name, value));
    return new HttpHeaders(out);
  }
}
