package ca.eazybackup.e3.agent.backup.content;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

// Rules: kopia internal/epoch/epoch_manager.go (refreshAttemptLocked, loadRangeCheckpoints,
// loadSingleEpochCompactions) and internal/completeset/complete_set.go
class EpochIndexSetTest {

  private static List<BlobMetadata> blobs(String... ids) {
    return Arrays.stream(ids).map(id -> new BlobMetadata(id, 100, Instant.EPOCH)).toList();
  }

  private static List<String> ids(EpochIndexSet.Result r) {
    return r.indexBlobs().stream().map(BlobMetadata::blobId).toList();
  }

  @Test
  void withoutMarkersReadsEveryUncompactedBlobOfEpochsZeroAndOne() {
    EpochIndexSet.Result r =
        EpochIndexSet.compute(
            blobs("xn0_aa-s1-c1", "xn0_bb-s2-c1", "xn1_cc-s3-c1", "xn2_dd-s4-c1"));
    assertThat(r.writeEpoch()).isZero();
    assertThat(ids(r)).containsExactly("xn0_aa-s1-c1", "xn0_bb-s2-c1", "xn1_cc-s3-c1");
  }

  @Test
  void settledEpochsUseCompleteCompactionsAndRangeCheckpointsCoverThePrefix() {
    EpochIndexSet.Result r =
        EpochIndexSet.compute(
            blobs(
                "xe5",
                "xr0_1_r1-s9-c1",
                "xn0_old-s1-c1",
                "xn1_old-s1-c1",
                "xs2_a-s7-c2",
                "xs2_b-s7-c2", // complete set of 2
                "xn2_x-s1-c1",
                "xs3_a-s8-c2", // incomplete: only 1 of 2
                "xn3_y-s1-c1",
                "xs4_z-s6-c1", // epoch 4 is not settled (W-2 = 3), so its xn blobs count
                "xn4_z-s1-c1",
                "xn5_w-s1-c1",
                "xn6_v-s1-c1",
                "xn7_u-s1-c1",
                "xw1600000000"));
    assertThat(r.writeEpoch()).isEqualTo(5);
    assertThat(ids(r))
        .containsExactly(
            "xr0_1_r1-s9-c1",
            "xs2_a-s7-c2",
            "xs2_b-s7-c2",
            "xn3_y-s1-c1",
            "xn4_z-s1-c1",
            "xn5_w-s1-c1",
            "xn6_v-s1-c1");
    assertThat(r.deletionWatermark()).isEqualTo(Instant.ofEpochSecond(1600000000));
  }
}
