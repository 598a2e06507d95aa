package ca.eazybackup.e3.agent.backup.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.content.ContentId;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryException;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real S3 server (S3Proxy child process from s3-fixtures). */
class S3BlobStorageTest {
  private static FixtureS3 s3;
  private static S3Fixture fixture;
  private static S3ClientFactory factory;
  private static S3Target target;
  private static int buckets;

  @BeforeAll
  static void startS3() {
    s3 = FixtureS3.startOrSkip();
    fixture = s3.fixture();
    factory = s3.factory();
    target = s3.target();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  private static S3BlobStorage freshStorage(String prefix) {
    String bucket = "kopia-test-" + (++buckets);
    fixture.createBucket(bucket);
    return new S3BlobStorage(
        factory.client(target), bucket, prefix, 4); // small pages: paging is exercised
  }

  @Test
  void putsGetsRangesListsPagesAndDeletes() throws Exception {
    S3BlobStorage st = freshStorage("repo1/");
    st.put("kopia.repository", "hello world".getBytes(StandardCharsets.US_ASCII));
    assertThat(new String(st.get("kopia.repository", 6, 5), StandardCharsets.US_ASCII))
        .isEqualTo("world");
    assertThat(new String(st.get("kopia.repository", 6, -1), StandardCharsets.US_ASCII))
        .isEqualTo("world");
    assertThat(st.get("kopia.repository", 0, -1)).hasSize(11);
    assertThat(st.stat("kopia.repository")).get().extracting(BlobMetadata::length).isEqualTo(11L);
    assertThat(st.stat("nope")).isEmpty();
    assertThatThrownBy(() -> st.get("nope", 0, -1)).isInstanceOf(BlobNotFoundException.class);
    for (int i = 0; i < 11; i++) { // three listing pages
      st.put(String.format("p%04d", i), new byte[] {(byte) i});
    }
    List<String> ids = new ArrayList<>();
    st.list("p", m -> ids.add(m.blobId()));
    assertThat(ids).hasSize(11).contains("p0000", "p0010");
    st.delete("p0000");
    st.delete("p0000");
    List<String> after = new ArrayList<>();
    st.list("p000", m -> after.add(m.blobId()));
    assertThat(after)
        .containsExactly(
            "p0001", "p0002", "p0003", "p0004", "p0005", "p0006", "p0007", "p0008", "p0009");
  }

  @Test
  void missingBucketIsANonRetriableErrorNamingIt() {
    S3BlobStorage st = S3BlobStorage.open(factory, target, "no-such-bucket-e3", "");
    assertThatThrownBy(() -> st.put("x", new byte[1]))
        .isInstanceOf(BlobStorageException.class)
        .hasMessageContaining("bucket 'no-such-bucket-e3' does not exist")
        .matches(e -> !((BlobStorageException) e).retriable());
  }

  @Test
  void repositoryRoundTripsOnS3() throws Exception {
    S3BlobStorage st = freshStorage("");
    byte[] data = new byte[1 << 20];
    new Random(3).nextBytes(data);
    ContentId id;
    try (Repository r =
        Repository.create(
            new RetryingBlobStorage(st, RetryingBlobStorage.Policy.defaults()),
            "pw",
            RepositoryOptions.defaults())) {
      id = r.contents().write(data, 0, data.length, "", "zstd");
    }
    assertThatThrownBy(() -> Repository.open(st, "bad", null))
        .isInstanceOf(RepositoryException.class);
    try (Repository r = Repository.open(st, "pw", null)) {
      assertThat(r.contents().read(id)).isEqualTo(data);
    }
  }
}
