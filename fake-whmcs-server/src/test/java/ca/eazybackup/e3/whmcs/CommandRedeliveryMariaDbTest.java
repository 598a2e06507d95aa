package ca.eazybackup.e3.whmcs;

/** Re-delivery of unacknowledged commands on MariaDB (a fresh database on 127.0.0.1:3306). */
class CommandRedeliveryMariaDbTest extends CommandRedeliveryTest {
  @Override
  String jdbcUrl() {
    return TestDatabases.freshMariaDb();
  }
}
