package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The fixture smoke test against a real Ceph RGW; runs only with -Ds3.fixture=ceph. */
@EnabledIfSystemProperty(named = "s3.fixture", matches = "ceph")
class CephFixtureTest extends S3FixtureContract {
  private static List<String> daemons;

  @BeforeAll
  static void startCluster() {
    fixture = S3Fixture.startOrSkip("ceph");
    s3 = fixture.client();
    daemons = CephFixture.daemonPids(((CephFixture) fixture).clusterDir());
  }

  @AfterAll
  static void stopClusterAndCheckEveryDaemonIsGone() {
    if (fixture == null) {
      return;
    }
    fixture.close();
    for (String daemon : daemons) {
      long pid = Long.parseLong(daemon.substring(daemon.indexOf('=') + 1));
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as(daemon).isEmpty();
    }
  }

  @Override
  String expectedKind() {
    return "ceph";
  }

  @Test
  void runsAllFourDaemons() {
    assertThat(daemons)
        .hasSize(4)
        .anyMatch(d -> d.startsWith("client.rgw.a="))
        .anyMatch(d -> d.startsWith("osd.0="))
        .anyMatch(d -> d.startsWith("mgr.x="))
        .anyMatch(d -> d.startsWith("mon.a="));
  }
}
