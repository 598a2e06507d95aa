package ca.eazybackup.e3.whmcs;

/** The concurrent claim test on MariaDB (a fresh database on 127.0.0.1:3306). */
class ClaimConcurrencyMariaDbTest extends ClaimConcurrencyTest {
  @Override
  String jdbcUrl() {
    return TestDatabases.freshMariaDb();
  }
}
