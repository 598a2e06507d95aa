package ca.eazybackup.e3.whmcs;

/** Watchdog and reclaim on MariaDB (a fresh database on 127.0.0.1:3306). */
class WatchdogReclaimMariaDbTest extends WatchdogReclaimTest {
  @Override
  String jdbcUrl() {
    return TestDatabases.freshMariaDb();
  }
}
