package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3TreeVerifierTest {
  private static S3Fixture fixture;
  private static S3Client s3;

  @TempDir static Path tree;
  private static TreeManifest manifest;

  @BeforeAll
  static void uploadASmallTree() throws Exception {
    fixture = SharedS3Proxy.get();
    s3 = fixture.client();
    manifest = TestTree.generate(TreeSpec.small(), 21, tree);
    fixture.createBucket("verify");
    for (String rel : manifest.paths()) {
      s3.putObject(
          b -> b.bucket("verify").key("backup/" + rel), RequestBody.fromFile(tree.resolve(rel)));
    }
  }

  @Test
  void anExactUploadVerifiesAgainstTheTreeAndItsManifest() {
    S3TreeVerifier verifier = S3TreeVerifier.using(s3);

    assertThat(verifier.compare("verify", "backup", tree).summary()).isEqualTo("no differences");
    assertThat(verifier.compare("verify", "backup/", manifest).none()).isTrue();
  }

  @Test
  void aChangedByteAMissingAndAnExtraObjectAreReported() throws Exception {
    fixture.createBucket("verify-bad");
    String changed = "data/nested/deeper/blob-1.bin";
    for (String rel : manifest.paths()) {
      byte[] bytes = Files.readAllBytes(tree.resolve(rel));
      if (rel.equals(changed)) {
        bytes[bytes.length - 1] ^= 0x40;
      }
      if (!rel.equals("docs/doc 03.txt")) {
        s3.putObject(b -> b.bucket("verify-bad").key("p/" + rel), RequestBody.fromBytes(bytes));
      }
    }
    s3.putObject(b -> b.bucket("verify-bad").key("p/stray.bin"), RequestBody.fromString("x"));
    s3.putObject(b -> b.bucket("verify-bad").key("other/ignored"), RequestBody.fromString("x"));

    TreeManifest.Differences byBytes = S3TreeVerifier.using(s3).compare("verify-bad", "p", tree);
    TreeManifest.Differences byHash =
        S3TreeVerifier.using(s3).compare("verify-bad", "p/", manifest);

    for (TreeManifest.Differences d : List.of(byBytes, byHash)) {
      assertThat(d.different()).containsExactly(changed);
      assertThat(d.missing()).containsExactly("docs/doc 03.txt");
      assertThat(d.extra()).containsExactly("stray.bin");
    }
  }
}
