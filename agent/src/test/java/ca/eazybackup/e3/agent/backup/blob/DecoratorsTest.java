package ca.eazybackup.e3.agent.backup.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoratorsTest {
  @TempDir Path dir;

  /** A fake clock that the fake sleeper advances: backoff is observable without waiting. */
  private final AtomicLong nanos = new AtomicLong();

  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper sleeper =
      d -> {
        sleeps.add(d);
        nanos.addAndGet(d.toNanos());
      };

  @Test
  void retriesSlowDownUntilItSucceeds() throws Exception {
    FaultInjectingBlobStorage faulty =
        new FaultInjectingBlobStorage(FilesystemBlobStorage.open(dir));
    faulty.fail(
        FaultInjectingBlobStorage.Op.PUT,
        id -> true,
        3,
        new BlobStorageException("503 SlowDown", null, true));
    RetryingBlobStorage st =
        new RetryingBlobStorage(faulty, RetryingBlobStorage.Policy.defaults(), sleeper, nanos::get);
    st.put("kopia.repository", new byte[] {1});
    assertThat(st.get("kopia.repository", 0, -1)).containsExactly(1);
    assertThat(sleeps).hasSize(3);
    assertThat(sleeps.get(2)).isGreaterThan(sleeps.get(0).dividedBy(2));
  }

  @Test
  void givesUpAfterTheRetryWindowAndNeverRetriesPermanentErrorsOrMissingBlobs() throws Exception {
    FaultInjectingBlobStorage faulty =
        new FaultInjectingBlobStorage(FilesystemBlobStorage.open(dir));
    faulty.fail(
        FaultInjectingBlobStorage.Op.PUT,
        id -> id.startsWith("a"),
        Integer.MAX_VALUE,
        new IOException("connection reset"));
    faulty.fail(
        FaultInjectingBlobStorage.Op.PUT,
        id -> id.startsWith("b"),
        Integer.MAX_VALUE,
        new BlobStorageException("403 AccessDenied", null, false));
    RetryingBlobStorage st =
        new RetryingBlobStorage(
            faulty,
            new RetryingBlobStorage.Policy(
                Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(2)),
            sleeper,
            nanos::get);
    assertThatThrownBy(() -> st.put("a1", new byte[1]))
        .hasMessageContaining("connection reset")
        .hasMessageContaining("attempts");
    assertThat(Duration.ofNanos(nanos.get()))
        .isLessThanOrEqualTo(Duration.ofMinutes(2))
        .isGreaterThan(Duration.ofMinutes(1));
    int before = sleeps.size();
    assertThatThrownBy(() -> st.put("b1", new byte[1])).hasMessageContaining("AccessDenied");
    assertThatThrownBy(() -> st.get("missing", 0, -1)).isInstanceOf(BlobNotFoundException.class);
    assertThat(sleeps).hasSize(before);
  }

  @Test
  void throttlingWaitsInProportionToBytes() throws Exception {
    ThrottlingBlobStorage st =
        new ThrottlingBlobStorage(FilesystemBlobStorage.open(dir), 1000, 0, sleeper, nanos::get);
    st.put("b1", new byte[1000]); // the initial burst
    assertThat(sleeps).isEmpty();
    st.put("b2", new byte[2000]);
    assertThat(sleeps).hasSize(1);
    assertThat(sleeps.get(0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(st.get("b2", 0, -1)).hasSize(2000); // download unlimited
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void countsCallsAndBytes() throws Exception {
    CountingBlobStorage st = new CountingBlobStorage(FilesystemBlobStorage.open(dir));
    st.put("b1", new byte[10]);
    st.get("b1", 2, 3);
    st.list("", m -> {});
    st.delete("b1");
    assertThat(st.stats()).isEqualTo(new CountingBlobStorage.Stats(1, 3, 1, 10, 1, 1, 0));
  }
}
