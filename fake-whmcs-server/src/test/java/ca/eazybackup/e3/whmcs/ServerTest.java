package ca.eazybackup.e3.whmcs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One fake addon per test class, on a fresh database: in-memory H2 here, a fresh MariaDB schema in
 * the {@code …MariaDbTest} subclasses (which run the same tests).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerTest {
  FakeWhmcsServer server;
  Http http;
  String jdbcUrl;

  /** Null = in-memory H2. */
  String jdbcUrl() {
    return TestDatabases.h2();
  }

  ServerConfig.Builder config() {
    return ServerConfig.builder();
  }

  @BeforeAll
  void startServer() {
    jdbcUrl = jdbcUrl();
    server =
        FakeWhmcsServer.start(config().jdbcUrl(jdbcUrl).adminToken("test-admin-token").build());
    http = new Http(server.baseUrl());
    http.post(
        "sim/settings",
        java.util.Map.of(
            "cloudbackup_agent_s3_endpoint", "http://127.0.0.1:9000",
            "cloudbackup_agent_s3_region", "us-east-1"));
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
    TestDatabases.drop(jdbcUrl);
  }
}
