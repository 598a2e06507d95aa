package ca.eazybackup.e3.whmcs;

/** The scheduler cron on MariaDB (a fresh database on 127.0.0.1:3306). */
class SchedulerServerMariaDbTest extends SchedulerServerTest {
  @Override
  String jdbcUrl() {
    return TestDatabases.freshMariaDb();
  }
}
