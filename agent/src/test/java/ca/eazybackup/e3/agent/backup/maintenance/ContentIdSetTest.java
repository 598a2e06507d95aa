package ca.eazybackup.e3.agent.backup.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mark set of snapshot GC: exact for ids it holds, and small — a million ids (the
 * 1,000,000-file repository's data contents) in a table of 32 MiB, where a HashSet of their strings
 * takes several times that.
 */
class ContentIdSetTest {

  private static ContentId id(Random rnd, String prefix) {
    byte[] h = new byte[16];
    rnd.nextBytes(h);
    return new ContentId(prefix + HexFormat.of().formatHex(h));
  }

  @Test
  void aMillionIdsAreHeldExactlyInThirtyTwoMebibytes() {
    ContentIdSet set = new ContentIdSet();
    Random rnd = new Random(42);
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(set.add(id(rnd, i % 10 == 0 ? "k" : ""))).isTrue();
    }
    assertThat(set.size()).isEqualTo(1_000_000);
    assertThat(set.tableBytes()).isLessThanOrEqualTo(64L << 20);

    Random again = new Random(42);
    for (int i = 0; i < 1_000_000; i++) {
      ContentId c = id(again, i % 10 == 0 ? "k" : "");
      assertThat(set.contains(c)).isTrue();
      assertThat(set.add(c)).isFalse();
    }
    Random other = new Random(7);
    int falsePositives = 0;
    for (int i = 0; i < 100_000; i++) {
      falsePositives += set.contains(id(other, "")) ? 1 : 0;
    }
    assertThat(falsePositives).isZero();
  }

  @Test
  void thePrefixLetterIsPartOfTheId() {
    ContentIdSet set = new ContentIdSet();
    String hex = "00112233445566778899aabbccddeeff";
    set.add(new ContentId(hex));
    assertThat(set.contains(new ContentId("k" + hex))).isFalse();
    assertThat(set.contains(new ContentId("x" + hex))).isFalse();
    set.add(new ContentId("k" + hex));
    assertThat(set.contains(new ContentId("k" + hex))).isTrue();
    ContentId zero = new ContentId("00000000000000000000000000000000");
    assertThat(set.contains(zero)).isFalse();
    assertThat(set.add(zero)).isTrue();
    assertThat(set.contains(zero)).isTrue();
    assertThat(set.size()).isEqualTo(3);
  }
}
