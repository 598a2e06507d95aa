package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/** What every fixture must serve; subclasses say which server. */
abstract class S3FixtureContract {
  static S3Fixture fixture;
  static S3Client s3;

  abstract String expectedKind();

  @Test
  void handsOutALoopbackEndpointWithRandomCredentials() {
    assertThat(fixture.kind()).isEqualTo(expectedKind());
    assertThat(fixture.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(fixture.endpoint().getPort()).isPositive();
    assertThat(fixture.region()).isEqualTo("us-east-1");
    assertThat(fixture.accessKey()).isNotBlank();
    assertThat(fixture.secretKey()).hasSizeGreaterThanOrEqualTo(32);
  }

  @Test
  void createBucketTwiceIsFine() {
    fixture.createBucket("twice");
    fixture.createBucket("twice");
    assertThat(s3.listBuckets().buckets()).anyMatch(b -> b.name().equals("twice"));
  }

  @Test
  void storesAndReturnsObjectsWithRangesAndUserMetadata() {
    fixture.createBucket("basic");
    byte[] data = bytes(100_000, 1);
    String key = "dir with space/Résumé 日本語 a+b.bin";
    s3.putObject(
        b -> b.bucket("basic").key(key).metadata(Map.of("e3-mtime", "1700000000")),
        RequestBody.fromBytes(data));

    byte[] whole = s3.getObjectAsBytes(b -> b.bucket("basic").key(key)).asByteArray();
    byte[] range =
        s3.getObjectAsBytes(b -> b.bucket("basic").key(key).range("bytes=1000-1999")).asByteArray();
    HeadObjectResponse head = s3.headObject(b -> b.bucket("basic").key(key));

    assertThat(whole).isEqualTo(data);
    assertThat(range).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 2000));
    assertThat(head.contentLength()).isEqualTo(100_000L);
    assertThat(head.metadata()).containsEntry("e3-mtime", "1700000000");
  }

  @Test
  void assemblesMultipartUploads() {
    fixture.createBucket("multipart");
    byte[] part1 = bytes(5 << 20, 2);
    byte[] part2 = bytes(1_234_567, 3);
    String uploadId =
        s3.createMultipartUpload(b -> b.bucket("multipart").key("big.bin")).uploadId();
    String etag1 =
        s3.uploadPart(
                b -> b.bucket("multipart").key("big.bin").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(part1))
            .eTag();
    String etag2 =
        s3.uploadPart(
                b -> b.bucket("multipart").key("big.bin").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(part2))
            .eTag();
    s3.completeMultipartUpload(
        b ->
            b.bucket("multipart")
                .key("big.bin")
                .uploadId(uploadId)
                .multipartUpload(
                    m ->
                        m.parts(
                            CompletedPart.builder().partNumber(1).eTag(etag1).build(),
                            CompletedPart.builder().partNumber(2).eTag(etag2).build())));

    byte[] got = s3.getObjectAsBytes(b -> b.bucket("multipart").key("big.bin")).asByteArray();
    assertThat(got).hasSize(part1.length + part2.length);
    assertThat(java.util.Arrays.copyOfRange(got, 0, part1.length)).isEqualTo(part1);
    assertThat(java.util.Arrays.copyOfRange(got, part1.length, got.length)).isEqualTo(part2);
  }

  @Test
  void listsInPagesAndDeletesInBatches() {
    fixture.createBucket("paging");
    IntStream.range(0, 25)
        .forEach(
            i ->
                s3.putObject(
                    b -> b.bucket("paging").key(String.format("p/%03d", i)),
                    RequestBody.fromString("x" + i, StandardCharsets.UTF_8)));

    List<String> keys = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListObjectsV2Response page =
          s3.listObjectsV2(b -> b.bucket("paging").prefix("p/").maxKeys(10).continuationToken(t));
      page.contents().stream().map(S3Object::key).forEach(keys::add);
      token = page.isTruncated() ? page.nextContinuationToken() : null;
      pages++;
    } while (token != null);

    assertThat(pages).isEqualTo(3);
    assertThat(keys).hasSize(25).isSorted().startsWith("p/000").endsWith("p/024");

    List<ObjectIdentifier> ids =
        keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
    var deleted = s3.deleteObjects(b -> b.bucket("paging").delete(d -> d.objects(ids)));
    assertThat(deleted.errors()).isEmpty();
    assertThat(s3.listObjectsV2(b -> b.bucket("paging")).contents()).isEmpty();
  }

  @Test
  void uploadsALargeFileFromDisk() throws Exception {
    fixture.createBucket("large");
    Path file = Files.createTempFile("e3-large", ".bin");
    try {
      Files.write(file, bytes(40 << 20, 4));
      s3.putObject(b -> b.bucket("large").key("large.bin"), RequestBody.fromFile(file));
      assertThat(s3.headObject(b -> b.bucket("large").key("large.bin")).contentLength())
          .isEqualTo(40L << 20);
    } finally {
      Files.delete(file);
    }
  }

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }
}
