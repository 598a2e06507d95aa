package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The simulation console's files as the addon serves them (the pages themselves are exercised in a
 * real browser by scenarios/features/console.feature), and the admin agent list they use.
 */
class ConsoleRoutesTest extends ServerTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** Every name a page loads: script src, link href, module imports. */
  private static final Pattern REFERENCE =
      Pattern.compile("(?:src|href)=\"([^\"#]+)\"|from '([^']+)'|import '([^']+)'");

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String type(HttpResponse<String> r) {
    return r.headers()
        .firstValue("Content-Type")
        .orElse("")
        .replace(" ", "")
        .toLowerCase(java.util.Locale.ROOT);
  }

  @Test
  void pagesComeWithTheirTypesAndASelfOnlyPolicy() throws Exception {
    HttpResponse<String> index = get("/console/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(type(index)).isEqualTo("text/html;charset=utf-8");
    String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'");
    assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(index.body()).contains("<script type=\"module\" src=\"client.js\"></script>");
    assertThat(server.consoleUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/console/");

    HttpResponse<String> bare = get("/console");
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location")).hasValue("/console/");
  }

  @Test
  void everyFileThePagesLoadIsServedFromThisOriginAlone() throws Exception {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of("index.html", "admin.html"));
    while (!todo.isEmpty()) {
      String file = todo.pop();
      if (!seen.add(file)) {
        continue;
      }
      HttpResponse<String> r = get("/console/" + file);
      assertThat(r.statusCode()).as(file).isEqualTo(200);
      if (file.endsWith(".js")) {
        assertThat(type(r)).as(file).isEqualTo("text/javascript;charset=utf-8");
      }
      Matcher m = REFERENCE.matcher(r.body());
      while (m.find()) {
        String ref = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        assertThat(ref).as("%s loads %s", file, ref).doesNotContain("//").doesNotContain(":");
        todo.add(ref.replaceFirst("^\\./", ""));
      }
    }
    assertThat(seen)
        .contains(
            "client.js", "admin.js", "api.js", "dom.js", "wizard.js", "fsbrowser.js", "live.js");
  }

  @Test
  void onlyTheConsoleFilesAreServed() throws Exception {
    for (String path :
        List.of(
            "/console/logback.xml",
            "/console/..%2Flogback.xml",
            "/console/%2e%2e/logback.xml",
            "/console/db%2Fmigration%2FV1__addon_schema.sql",
            "/console/V1__addon_schema.sql",
            "/console/FakeWhmcsServer.class",
            "/console/missing.js",
            "/console/Client.JS")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).doesNotContain("<configuration").doesNotContain("CREATE TABLE");
    }
  }

  @Test
  void configTellsThePagesWhereTheApiIs() throws Exception {
    HttpResponse<String> r = get("/console/config.json");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode config = Http.JSON.readTree(r.body());
    assertThat(config.get("api_base").asText()).isEqualTo(server.config().basePath());
    assertThat(server.baseUrl()).endsWith(config.get("api_base").asText());
  }

  @Test
  void adminAgentListShowsEveryClientsAgentsWithoutTokens() {
    Tenant alice = Tenant.create(http);
    Tenant bob = Tenant.create(http);
    alice.nextRun(); // alice's agent is seen; bob's never called
    String[] admin = {"X-Admin-Token", "test-admin-token"};
    assertThat(http.post("admin_agent_list.php", Map.of()).code()).isEqualTo(401);
    assertThat(http.post("admin_agent_list.php", Map.of(), "X-Admin-Token", "guess").code())
        .isEqualTo(401);
    JsonNode agents = http.post("admin_agent_list.php", Map.of(), admin).body();
    Golden.assertMatches("admin_agent_list.response.json", agents);
    Map<Long, JsonNode> byId = new java.util.HashMap<>();
    agents.get("agents").forEach(a -> byId.put(a.get("agent_id").asLong(), a));
    assertThat(byId.get(alice.agentId).get("client_id").asLong()).isEqualTo(alice.clientId);
    assertThat(byId.get(alice.agentId).get("online").asBoolean()).isTrue();
    assertThat(byId.get(bob.agentId).get("client_id").asLong()).isEqualTo(bob.clientId);
    assertThat(byId.get(bob.agentId).get("online").asBoolean()).isFalse();
    assertThat(agents.toString()).doesNotContain(alice.agentToken).doesNotContain(bob.agentToken);
  }
}
