package ca.eazybackup.e3.agent.backup.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-aheads answer one request each, keep the store's errors, and never serve stale data. */
class ReadAheadBlobStorageTest {
  @TempDir Path dir;

  private static List<String> ids(BlobStorage st, String prefix) throws IOException {
    List<String> ids = new ArrayList<>();
    st.list(prefix, m -> ids.add(m.blobId()));
    ids.sort(null);
    return ids;
  }

  @Test
  void aReadAheadAnswersOneGetAndLaterGetsSeeTheStoreAsItIsThen() throws Exception {
    FilesystemBlobStorage fs = FilesystemBlobStorage.open(dir);
    fs.put("a", new byte[] {1});
    CountingBlobStorage counting = new CountingBlobStorage(fs);
    ReadAheadBlobStorage st = new ReadAheadBlobStorage(counting, 2);
    st.readAhead("a").join();
    fs.put("a", new byte[] {2}); // written after the read-ahead arrived

    assertThat(st.get("a", 0, -1)).containsExactly(1); // the read-ahead, fetched before the put
    assertThat(st.get("a", 0, -1)).containsExactly(2); // the store
    assertThat(counting.stats().gets()).isEqualTo(2);
    st.close();
  }

  @Test
  void aRangedGetIsNeverAnsweredFromAWholeBlobReadAhead() throws Exception {
    FilesystemBlobStorage fs = FilesystemBlobStorage.open(dir);
    fs.put("a", new byte[] {1, 2, 3});
    ReadAheadBlobStorage st = new ReadAheadBlobStorage(fs, 1);
    st.readAhead("a").join();
    assertThat(st.get("a", 1, 1)).containsExactly(2);
    assertThat(st.get("a", 0, -1)).containsExactly(1, 2, 3);
    st.close();
  }

  @Test
  void aMissingBlobStaysBlobNotFound() throws Exception {
    ReadAheadBlobStorage st = new ReadAheadBlobStorage(FilesystemBlobStorage.open(dir), 1);
    st.readAhead("kopia.blobcfg");
    assertThatThrownBy(() -> st.get("kopia.blobcfg", 0, -1))
        .isInstanceOf(BlobNotFoundException.class);
    st.close();
  }

  @Test
  void aListingReadAheadStartsTheReadsItsCallbackNamesBeforeTheListIsAnswered() throws Exception {
    FilesystemBlobStorage fs = FilesystemBlobStorage.open(dir);
    fs.put("x1", new byte[] {1});
    fs.put("x2", new byte[] {2});
    CountingBlobStorage counting = new CountingBlobStorage(fs);
    ReadAheadBlobStorage st = new ReadAheadBlobStorage(counting, 2);
    st.readAheadList("x", listed -> listed.forEach(m -> st.readAhead(m.blobId())));

    assertThat(ids(st, "x")).containsExactly("x1", "x2");
    long listsAfterFirst = counting.stats().lists();
    fs.put("x3", new byte[] {3});
    assertThat(st.get("x1", 0, -1)).containsExactly(1);
    assertThat(st.get("x2", 0, -1)).containsExactly(2);
    assertThat(counting.stats().gets()).isEqualTo(2); // each once, by the read-ahead
    assertThat(ids(st, "x")).containsExactly("x1", "x2", "x3"); // listed afresh
    assertThat(counting.stats().lists()).isEqualTo(listsAfterFirst + 1);
    st.close();
  }

  @Test
  void stoppingDropsWhatWasNeverAskedFor() throws Exception {
    FilesystemBlobStorage fs = FilesystemBlobStorage.open(dir);
    fs.put("x1", new byte[] {1});
    AtomicInteger callbacks = new AtomicInteger();
    ReadAheadBlobStorage st = new ReadAheadBlobStorage(fs, 1);
    st.readAhead("x1").join();
    st.readAheadList("x", listed -> callbacks.incrementAndGet());
    st.stopReadingAhead();
    fs.put("x1", new byte[] {9});
    fs.put("x2", new byte[] {2});

    assertThat(st.get("x1", 0, -1)).containsExactly(9);
    assertThat(ids(st, "x")).containsExactly("x1", "x2");
    st.close();
  }
}
