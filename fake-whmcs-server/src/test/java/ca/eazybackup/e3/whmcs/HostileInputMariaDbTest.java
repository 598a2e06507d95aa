package ca.eazybackup.e3.whmcs;

/** The hostile-input tests on MariaDB, whose column limits are the ones that bite in production. */
class HostileInputMariaDbTest extends HostileInputTest {
  @Override
  String jdbcUrl() {
    return TestDatabases.freshMariaDb();
  }
}
