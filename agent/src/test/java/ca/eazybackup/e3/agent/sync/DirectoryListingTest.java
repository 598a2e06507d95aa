package ca.eazybackup.e3.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

class DirectoryListingTest {
  /** A bucket of folders: prefix → (files, subfolders); records the prefixes listed, in order. */
  private static final class Folders implements S3Client {
    final Map<String, List<List<String>>> tree;
    final List<String> listed = new ArrayList<>();

    Folders(Map<String, List<List<String>>> tree) {
      this.tree = tree;
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request r) {
      String prefix = r.prefix() == null ? "" : r.prefix();
      listed.add(prefix);
      List<List<String>> entry = tree.getOrDefault(prefix, List.of(List.of(), List.of()));
      return ListObjectsV2Response.builder()
          .contents(
              entry.get(0).stream()
                  .map(k -> S3Object.builder().key(k).size(1L).eTag("\"e\"").build())
                  .toList())
          .commonPrefixes(
              entry.get(1).stream().map(p -> CommonPrefix.builder().prefix(p).build()).toList())
          .isTruncated(false)
          .build();
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }

  private static final Map<String, List<List<String>>> TREE =
      Map.of(
          "", List.of(List.of("top.dat"), List.of("g1/", "g2/")),
          "g1/", List.of(List.of("g1/a.dat"), List.of("g1/s0/", "g1/s1/")),
          "g1/s0/", List.of(List.of("g1/s0/b.dat"), List.of()),
          "g1/s1/", List.of(List.of("g1/s1/c.dat"), List.of()),
          "g2/", List.of(List.of(), List.of("g2/s0/")),
          "g2/s0/", List.of(List.of("g2/s0/d.dat"), List.of()));

  @Test
  void streamsEveryObjectInKeyOrder() {
    Folders s3 = new Folders(TREE);
    List<String> keys = new ArrayList<>();
    new DirectoryListing(s3, "b", "", Runnable::run).forEachRemaining(o -> keys.add(o.key()));
    assertThat(keys)
        .containsExactly("g1/a.dat", "g1/s0/b.dat", "g1/s1/c.dat", "g2/s0/d.dat", "top.dat");
    assertThat(s3.listed).containsExactlyInAnyOrderElementsOf(TREE.keySet());
  }

  @Test
  void listsTheFirstSubfolderOfAListedFolderBeforeItsParentIsEntered() {
    // A restore enters g2/s0/ right after g2/'s files: listing it only once g2/ is entered left
    // the file workers idle for a round trip at every such step.
    Folders s3 = new Folders(TREE);
    DirectoryListing listing = new DirectoryListing(s3, "b", "", Runnable::run);

    assertThat(listing.next().key()).isEqualTo("g1/a.dat"); // only the root and g1/ entered

    assertThat(s3.listed).contains("g2/s0/");
  }
}
