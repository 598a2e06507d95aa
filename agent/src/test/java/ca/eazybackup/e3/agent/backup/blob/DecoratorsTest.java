package ca.eazybackup.e3.agent.backup.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.transfer.FakeTicker;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import ca.eazybackup.e3.agent.transfer.TokenBucket;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production stack ({@link StorageStack}: throttling over retrying over the store) on a real
 * folder store with injected faults, on fake time so waits are observed, not slept.
 */
class DecoratorsTest {
  @TempDir Path dir;

  private final FakeTicker ticker = new FakeTicker();
  private final RetryPolicy policy =
      new RetryPolicy(
          Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(2), ticker);

  private FaultInjectingBlobStorage faulty() throws IOException {
    return new FaultInjectingBlobStorage(FilesystemBlobStorage.open(dir));
  }

  @Test
  void retriesSlowDownUntilItSucceeds() throws Exception {
    FaultInjectingBlobStorage faulty = faulty();
    faulty.fail(
        FaultInjectingBlobStorage.Op.PUT,
        id -> true,
        3,
        new BlobStorageException("503 SlowDown", null, true));
    BlobStorage st = StorageStack.wrap(faulty, policy, null, null, () -> false);
    st.put("kopia.repository", new byte[] {1});
    assertThat(st.get("kopia.repository", 0, -1)).containsExactly(1);
    // three backoffs: [50,100] + [100,200] + [200,400] ms
    assertThat(ticker.waited()).isBetween(Duration.ofMillis(350), Duration.ofMillis(700));
  }

  @Test
  void givesUpAfterTheRetryWindowAndNeverRetriesPermanentErrorsOrMissingBlobs() throws Exception {
    FaultInjectingBlobStorage faulty = faulty();
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
    BlobStorage st = StorageStack.wrap(faulty, policy, null, null, () -> false);
    assertThatThrownBy(() -> st.put("a1", new byte[1]))
        .hasMessageContaining("connection reset")
        .hasMessageContaining("attempts");
    assertThat(ticker.waited())
        .isLessThanOrEqualTo(Duration.ofMinutes(2))
        .isGreaterThan(Duration.ofMinutes(1));
    int before = ticker.parks();
    assertThatThrownBy(() -> st.put("b1", new byte[1])).hasMessageContaining("AccessDenied");
    assertThatThrownBy(() -> st.get("missing", 0, -1)).isInstanceOf(BlobNotFoundException.class);
    assertThat(ticker.parks()).isEqualTo(before);
  }

  @Test
  void throttlesTheNetworkInBothDirections() throws Exception {
    TokenBucket up = new TokenBucket(1000, () -> false, ticker);
    TokenBucket down = new TokenBucket(500, () -> false, ticker);
    BlobStorage st = StorageStack.wrap(faulty(), policy, up, down, () -> false);
    st.put("b1", new byte[50]); // within the burst
    assertThat(ticker.waited()).isZero();
    st.put("b2", new byte[2000]);
    assertThat(ticker.waited()).isEqualTo(Duration.ofSeconds(2));
    assertThat(st.get("b2", 0, -1)).hasSize(2000); // restores are limited too
    assertThat(ticker.waited()).isBetween(Duration.ofMillis(5900), Duration.ofSeconds(6));
  }

  @Test
  void aRetriedPutIsChargedOnce() throws Exception {
    FaultInjectingBlobStorage faulty = faulty();
    faulty.fail(
        FaultInjectingBlobStorage.Op.PUT, id -> true, 1, new IOException("connection reset"));
    TokenBucket up = new TokenBucket(1000, () -> false, ticker);
    BlobStorage st = StorageStack.wrap(faulty, policy, up, null, () -> false);
    st.put("b1", new byte[1050]);
    // one second for the bytes (50 ms burst), plus one backoff of at most 100 ms
    assertThat(ticker.waited()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1100));
  }

  @Test
  void aCancelledRunStopsWaiting() throws Exception {
    boolean[] cancelled = {false};
    TokenBucket up = new TokenBucket(10, () -> cancelled[0], ticker);
    BlobStorage st = StorageStack.wrap(faulty(), policy, up, null, () -> cancelled[0]);
    cancelled[0] = true;
    assertThatThrownBy(() -> st.put("b1", new byte[100_000]))
        .isInstanceOf(java.io.InterruptedIOException.class);
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
