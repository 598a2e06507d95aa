package ca.eazybackup.e3.agent.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotStats;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kopia's ComputeRetentionReasons semantics (snapshot/policy/retention_policy.go, v0.10). */
class RetentionTest {
  private static final SourceInfo SRC = new SourceInfo("h", "u", "/p");

  private static SnapshotManifest snap(String id, OffsetDateTime start, String incomplete) {
    return new SnapshotManifest(
        id,
        SRC,
        "",
        start,
        start.plusMinutes(1),
        SnapshotStats.empty(),
        incomplete,
        null,
        Map.of(),
        List.of());
  }

  private static List<SnapshotManifest> hourlyFor(int hours, OffsetDateTime from) {
    List<SnapshotManifest> out = new ArrayList<>();
    for (int i = 0; i < hours; i++) {
      out.add(snap("s" + i, from.plusHours(i), null));
    }
    return out;
  }

  @Test
  void keepsLatestAndOnePerDayWithinTheDailyWindow() {
    OffsetDateTime t0 = OffsetDateTime.of(2024, 3, 1, 0, 30, 0, 0, ZoneOffset.ofHours(-5));
    List<SnapshotManifest> snaps = hourlyFor(24 * 10, t0);
    RetentionPolicy p = new RetentionPolicy(3, null, 7, null, null, null);
    Map<String, List<String>> reasons = Retention.reasons(p, snaps);
    assertThat(reasons.get("s239")).containsExactly("latest-1", "daily-1");
    assertThat(reasons.get("s237")).containsExactly("latest-3");
    // the newest snapshot of each earlier local day is the daily keeper
    assertThat(reasons.get("s215")).containsExactly("daily-2");
    List<SnapshotManifest> delete = Retention.toDelete(p, snaps);
    // three latest, plus one per day for seven days, the newest counting in both
    assertThat(snaps.size() - delete.size()).isEqualTo(9);
  }

  @Test
  void bucketsUseTheOffsetStoredInTheStartTime() {
    // 23:30 at -05:00 is the next day in UTC; Kopia buckets by the stored offset.
    SnapshotManifest late =
        snap("late", OffsetDateTime.of(2024, 3, 1, 23, 30, 0, 0, ZoneOffset.ofHours(-5)), null);
    SnapshotManifest early =
        snap("early", OffsetDateTime.of(2024, 3, 1, 8, 0, 0, 0, ZoneOffset.ofHours(-5)), null);
    Map<String, List<String>> r =
        Retention.reasons(
            new RetentionPolicy(null, null, 5, null, null, null), List.of(early, late));
    assertThat(r.get("late")).containsExactly("daily-1");
    assertThat(r.get("early")).isEmpty();
  }

  @Test
  void incompleteSnapshotsAreKeptOnlyWhileNewerThanTheLastCompleteOne() {
    OffsetDateTime t = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    List<SnapshotManifest> snaps =
        List.of(
            snap("old-cp", t, "checkpoint"),
            snap("done", t.plusHours(1), null),
            snap("new-cp", t.plusHours(2), "checkpoint"));
    Map<String, List<String>> r =
        Retention.reasons(new RetentionPolicy(1, null, null, null, null, null), snaps);
    assertThat(r.get("new-cp")).containsExactly("incomplete");
    assertThat(r.get("done")).containsExactly("latest-1");
    assertThat(r.get("old-cp")).isEmpty();
  }

  @Test
  void allZeroKeepsEverythingAndPinsProtect() {
    OffsetDateTime t = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    List<SnapshotManifest> snaps = hourlyFor(30, t);
    assertThat(Retention.toDelete(new RetentionPolicy(0, 0, 0, 0, 0, 0), snaps)).isEmpty();
    SnapshotManifest pinned =
        new SnapshotManifest(
            "pinned",
            SRC,
            "",
            t.minusDays(9),
            t.minusDays(9),
            SnapshotStats.empty(),
            null,
            null,
            Map.of(),
            List.of("keep"));
    List<SnapshotManifest> withPin = new ArrayList<>(snaps);
    withPin.add(pinned);
    assertThat(Retention.toDelete(new RetentionPolicy(1, null, null, null, null, null), withPin))
        .extracting(SnapshotManifest::id)
        .doesNotContain("pinned", "s29")
        .hasSize(29);
  }

  @Test
  void addDateNormalisesLikeGo() {
    OffsetDateTime mar31 = OffsetDateTime.of(2024, 3, 31, 10, 0, 0, 0, ZoneOffset.UTC);
    assertThat(Retention.addDate(mar31, 0, -1, 0).toLocalDate()).hasToString("2024-03-02");
  }

  @Test
  void readsTheJobsRetentionJsonInEitherSpelling() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThat(RetentionPolicy.fromJson(json.readTree("{\"keep_latest\":10,\"keep_daily\":7}")))
        .isEqualTo(new RetentionPolicy(10, null, 7, null, null, null));
    assertThat(RetentionPolicy.fromJson(json.readTree("{\"keepWeekly\":\"4\"}")).keepWeekly())
        .isEqualTo(4);
    assertThat(RetentionPolicy.fromJson(null)).isNull();
    assertThat(RetentionPolicy.fromJson(json.readTree("{}"))).isNull();
    assertThatThrownBy(() -> RetentionPolicy.fromJson(json.readTree("{\"keep_daily\":-1}")))
        .hasMessageContaining("negative");
  }
}
