package ca.eazybackup.e3.whmcs;

/** The client endpoint tests on MariaDB (a fresh database on 127.0.0.1:3306). */
class ClientEndpointsMariaDbTest extends ClientEndpointsTest {
  @Override
  String jdbcUrl() {
    return TestDatabases.freshMariaDb();
  }
}
