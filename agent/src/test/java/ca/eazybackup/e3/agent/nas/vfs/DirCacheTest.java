package ca.eazybackup.e3.agent.nas.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.nas.NasEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The directory cache never keeps a listing that misses a change made through the volume. */
class DirCacheTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  DirCache cache() {
    return new DirCache(Duration.ofSeconds(30), Clock.fixed(T, ZoneOffset.UTC));
  }

  @Test
  void aListingFetchedWhileTheFolderChangedIsReturnedButNotKept() {
    DirCache c = cache();
    long ticket = c.ticket("docs");
    // a PUT into docs ends while the LIST that began before it is still under way
    c.upsert("docs", NasEntry.file("new.txt", 1, T, "e"));
    DirCache.Listing stale = c.store("docs", new TreeMap<>(), ticket);
    assertThat(stale.exists()).isTrue();
    assertThat(c.fresh("docs")).as("a listing without new.txt must not be cached").isNull();
  }

  @Test
  void aListingFetchedWithoutChangesIsKeptAndUpdatedInPlace() {
    DirCache c = cache();
    long ticket = c.ticket("docs");
    c.store("docs", new TreeMap<>(), ticket);
    c.upsert("docs", NasEntry.file("new.txt", 1, T, "e"));
    assertThat(c.fresh("docs").children()).containsKey("new.txt");
  }

  @Test
  void forgettingATreeInvalidatesListingsOfFoldersBelowInFlight() {
    DirCache c = cache();
    long ticket = c.ticket("a/b");
    c.forgetTree("a");
    c.store("a/b", new TreeMap<>(), ticket);
    assertThat(c.fresh("a/b")).isNull();
  }

  @Test
  void listingsExpire() {
    Instant[] now = {T};
    DirCache c =
        new DirCache(
            Duration.ofSeconds(30),
            new Clock() {
              @Override
              public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
              }

              @Override
              public Clock withZone(java.time.ZoneId zone) {
                return this;
              }

              @Override
              public Instant instant() {
                return now[0];
              }
            });
    c.store("x", new TreeMap<>(), c.ticket("x"));
    now[0] = T.plusSeconds(29);
    assertThat(c.fresh("x")).isNotNull();
    now[0] = T.plusSeconds(31);
    assertThat(c.fresh("x")).isNull();
  }
}
