package ca.eazybackup.e3.agent.tray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The tray helper's end of the channel: reads the channel file, asks the service for its status.
 */
public final class StatusClient implements StatusSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path channelFile;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public StatusClient(Path configDir) {
    this.channelFile = configDir.resolve(StatusChannel.FILE);
  }

  /** The service's status; an {@link IOException} that says why when it cannot be had. */
  @Override
  public AgentStatus status() throws IOException, InterruptedException {
    JsonNode channel;
    try {
      channel = JSON.readTree(Files.readString(channelFile));
    } catch (NoSuchFileException e) {
      throw new IOException("the agent service is not running (no " + channelFile + ")", e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException("this user may not read " + channelFile, e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + channel.path("port").asInt() + "/status"))
            .header("Authorization", "Bearer " + channel.path("token").asText())
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IOException("the agent service does not answer on its tray channel", e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("the agent service refused the tray: HTTP " + response.statusCode());
    }
    return JSON.readValue(response.body(), AgentStatus.class);
  }
}
