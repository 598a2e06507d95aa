package ca.eazybackup.e3.whmcs;

/** The agent endpoint tests on MariaDB (a fresh database on 127.0.0.1:3306). */
class AgentEndpointsMariaDbTest extends AgentEndpointsTest {
  @Override
  String jdbcUrl() {
    return TestDatabases.freshMariaDb();
  }
}
