package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fake addon's README says how to start it standalone; this runs that very command (the {@code
 * java} line of its "Run it standalone" block, with the optional [...] parts left out) on what the
 * reactor built, so the README cannot drift from a command that works.
 */
class StandaloneAddonTest {
  private static final Path ROOT = SharedSystem.agentJar().getParent().getParent().getParent();

  @Test
  void theReadmesStandaloneCommandStartsTheAddon() throws Exception {
    String readme = Files.readString(ROOT.resolve("fake-whmcs-server/README.md"));
    String section = readme.substring(readme.indexOf("## Run it standalone"));
    Matcher java = Pattern.compile("(?m)^java (.*?)\\\\?$").matcher(section);
    assertThat(java.find()).as("a java command in the README").isTrue();
    String line = java.group(1).replaceAll("\\[[^]]*]", "").trim();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : line.split("\\s+")) {
      cmd.add(arg.equals("8080") ? String.valueOf(port) : arg);
    }
    assertThat(cmd).contains("--port");
    Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String url = null;
      StringBuilder seen = new StringBuilder();
      for (String l; (l = out.readLine()) != null; ) {
        seen.append(l).append('\n');
        if (l.startsWith("fake WHMCS addon at ")) {
          url = l.substring("fake WHMCS addon at ".length()).trim();
          break;
        }
      }
      assertThat(url).as("started line; output:\n" + seen).isNotNull().contains(":" + port + "/");
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/sim/create_client"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@b.c\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertThat(body.path("status").asText()).isEqualTo("success");
      assertThat(body.path("client_id").asLong()).isPositive();
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
