package ca.eazybackup.e3.agent.nas.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A download broken mid-body is finished from where it broke, the bytes whole and in order. */
class ResumingObjectStreamTest {
  private final byte[] object = new byte[100_000];
  private final List<Long> reopenedAt = new ArrayList<>();

  ResumingObjectStreamTest() {
    new Random(3).nextBytes(object);
  }

  /** The object from {@code at}, breaking (reset, or a clean early end) after {@code cut} bytes. */
  private InputStream broken(long at, int cut, boolean reset) {
    return new InputStream() {
      private int pos = (int) at;

      @Override
      public int read() throws IOException {
        if (pos - at >= cut) {
          if (reset) {
            throw new SocketException("Connection reset");
          }
          return -1;
        }
        return pos < object.length ? object[pos++] & 0xff : -1;
      }
    };
  }

  private ResumingObjectStream stream(int cut, boolean reset, String etagNow) {
    return new ResumingObjectStream(
        broken(10, cut, reset),
        "drive/a.bin",
        10,
        object.length - 10,
        "\"e1\"",
        (at, len, etag) -> {
          reopenedAt.add(at);
          if (!etag.equals(etagNow)) {
            throw new IOException("precondition failed: the object changed");
          }
          return new ResumingObjectStream.Opened(
              new ByteArrayInputStream(object, (int) at, (int) len), len, etagNow);
        });
  }

  @Test
  void aResetMidBodyIsResumedWhereItBroke() throws IOException {
    byte[] got = stream(30_000, true, "\"e1\"").readAllBytes();
    assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(object, 10, object.length));
    assertThat(reopenedAt).containsExactly(30_010L);
  }

  @Test
  void aBodyCutShortIsResumedNotTakenForTheEnd() throws IOException {
    byte[] got = stream(5_000, false, "\"e1\"").readAllBytes();
    assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(object, 10, object.length));
    assertThat(reopenedAt).containsExactly(5_010L);
  }

  @Test
  void aChunkedAnswerWithoutLengthIsResumedToTheEnd() throws IOException {
    ResumingObjectStream s =
        new ResumingObjectStream(
            broken(0, 7_000, true),
            "drive/a.bin",
            0,
            -1,
            "\"e1\"",
            (at, len, etag) -> {
              reopenedAt.add(at);
              assertThat(len).isNegative();
              return new ResumingObjectStream.Opened(
                  new ByteArrayInputStream(object, (int) at, object.length - (int) at),
                  object.length - at,
                  "\"e1\"");
            });
    assertThat(s.readAllBytes()).isEqualTo(object);
    assertThat(reopenedAt).containsExactly(7_000L);
  }

  @Test
  void aBrokenFirstAnswerWithoutETagStartsAgainButOneMidBodyDoesNot() throws IOException {
    ResumingObjectStream fresh =
        new ResumingObjectStream(
            broken(0, 0, true),
            "drive/a.bin",
            0,
            -1,
            null,
            (at, len, etag) -> {
              reopenedAt.add(at);
              assertThat(etag).isNull();
              return new ResumingObjectStream.Opened(
                  new ByteArrayInputStream(object), object.length, "\"e1\"");
            });
    assertThat(fresh.readAllBytes()).isEqualTo(object);
    assertThat(reopenedAt).containsExactly(0L);

    ResumingObjectStream midBody =
        new ResumingObjectStream(
            broken(0, 100, true),
            "drive/a.bin",
            0,
            -1,
            null,
            (at, len, etag) -> {
              throw new AssertionError("must not splice without an ETag");
            });
    assertThatThrownBy(midBody::readAllBytes).hasMessageContaining("broke at byte 100");
  }

  @Test
  void anObjectReplacedMeanwhileFailsTheReadInsteadOfSplicingVersions() {
    ResumingObjectStream s = stream(5_000, true, "\"e2\"");
    assertThatThrownBy(s::readAllBytes).hasMessageContaining("changed");
  }
}
