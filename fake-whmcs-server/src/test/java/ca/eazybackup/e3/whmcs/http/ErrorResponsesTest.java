package ca.eazybackup.e3.whmcs.http;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.whmcs.db.DbException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLDataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A handler that fails unexpectedly still answers the contract's JSON, naming no Java class. */
class ErrorResponsesTest {
  private Javalin app;

  @BeforeEach
  void start() {
    app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              ErrorResponses.configure(cfg);
            });
    ErrorResponses.install(app);
    app.get(
        "/npe",
        ctx -> {
          throw new NullPointerException("secret bound value 'hunter2'");
        });
    app.get(
        "/too-long",
        ctx -> {
          throw new DbException(
              "insert failed (SQLState 22001)",
              new SQLDataException(
                  "Data too long for column 'current_item' at row 1 'hunter2'", "22001"));
        });
    app.get(
        "/db-down",
        ctx -> {
          throw new DbException(
              "database unavailable",
              new java.sql.SQLException("Connection refused to 'hunter2'", "08001"));
        });
    app.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    app.stop();
  }

  private JsonNode get(String path, int expected) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(expected);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.path("status").asText()).isEqualTo("fail");
    assertThat(r.body()).doesNotContain("hunter2").doesNotContain("Exception");
    return body;
  }

  @Test
  void anUnexpectedFailureIsA500WithAReferenceAndNoClassName() throws Exception {
    JsonNode body = get("/npe", 500);
    assertThat(body.path("message").asText())
        .contains("internal error (reference ")
        .contains("try again");
    assertThat(get("/db-down", 500).path("message").asText()).contains("reference");
  }

  @Test
  void aValueTheTableCannotHoldIsA400NamingTheColumn() throws Exception {
    JsonNode body = get("/too-long", 400);
    assertThat(body.path("field").asText()).isEqualTo("current_item");
    assertThat(body.path("message").asText())
        .isEqualTo("current_item is too long for the addon's tables");
  }
}
