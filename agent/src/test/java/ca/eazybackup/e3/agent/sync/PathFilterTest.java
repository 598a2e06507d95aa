package ca.eazybackup.e3.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter semantics of the package documentation, as a table. */
class PathFilterTest {

  @ParameterizedTest(name = "include=[{0}] exclude=[{1}] path={2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // unanchored patterns match the end of the path at any depth
        "-            | *.jpg           | a.jpg             | false",
        "-            | *.jpg           | dir/sub/a.jpg     | false",
        "-            | *.jpg           | a.jpeg            | true",
        // a leading / anchors at the source root
        "-            | /a.jpg          | a.jpg             | false",
        "-            | /a.jpg          | dir/a.jpg         | true",
        // * stays within one path element, ** crosses /
        "-            | /*.txt          | d/a.txt           | true",
        "-            | /**.txt         | d/a.txt           | false",
        "-            | /a/**           | a/x/y.bin         | false",
        "-            | /a/**           | ab/x.bin          | true",
        // ? is one character that is not /
        "-            | ?.txt           | a.txt             | false",
        "-            | ?.txt           | ab.txt            | true",
        "-            | ?.txt           | d/a.txt           | false",
        // character classes, negated with ! or ^
        "-            | [ab].log        | b.log             | false",
        "-            | [ab].log        | c.log             | true",
        "-            | [!ab].log       | c.log             | false",
        "-            | [^ab].log       | a.log             | true",
        // alternatives; the comma inside braces does not split the pattern
        "-            | *.{jpg,png}     | x/y.png           | false",
        "-            | *.{jpg,png}     | y.gif             | true",
        // backslash escapes a special character
        "-            | file\\*.txt     | file*.txt         | false",
        "-            | file\\*.txt     | fileX.txt         | true",
        // trailing / = directory rule: everything under a matching directory
        "-            | cache/          | cache/a.bin       | false",
        "-            | cache/          | x/cache/sub/a.bin | false",
        "-            | cache/          | cache             | true",
        "-            | cache/          | cachex/a.bin      | true",
        "-            | /cache/         | x/cache/a.bin     | true",
        // several patterns, by comma or newline
        "-            | '*.tmp,*.bak'   | a.bak             | false",
        "-            | '*.tmp,*.bak'   | a.txt             | true",
        // includes: only what matches is synced
        "*.doc        | -               | a.doc             | true",
        "*.doc        | -               | d/e/a.doc         | true",
        "*.doc        | -               | a.txt             | false",
        "/docs/**     | -               | docs/a/b.txt      | true",
        "/docs/**     | -               | x/docs/b.txt      | false",
        "docs/        | -               | x/docs/b.txt      | true",
        // excludes win over includes
        "*.doc        | secret/         | secret/a.doc      | false",
        "*.doc        | secret/         | public/a.doc      | true",
        // case-sensitive, like rclone's default
        "-            | *.JPG           | a.jpg             | true",
      })
  void decidesLikeTheDocumentedTable(String include, String exclude, String path, boolean synced) {
    assertThat(PathFilter.of(include, exclude).includesFile(path)).isEqualTo(synced);
  }

  @ParameterizedTest(name = "exclude=[{0}] dir={1} -> descend {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cache/   | cache   | false",
        "cache/   | a/cache | false",
        "/cache/  | a/cache | true",
        "/a/**    | a       | false",
        "/a/**    | b       | true",
        "*.tmp    | a       | true",
      })
  void prunesDirectoriesAnExcludeCoversWhole(String exclude, String dir, boolean descend) {
    assertThat(PathFilter.of(null, exclude).descendsInto(dir)).isEqualTo(descend);
  }

  @org.junit.jupiter.api.Test
  void splitsOnNewlinesAndTopLevelCommasOnly() {
    assertThat(PathFilter.parse("*.tmp\n*.bak\r\n*.{a,b},  ,x")).hasSize(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[abc", "{a,b", "a}", "/", "x\\"})
  void rejectsBrokenPatternsWithAMessage(String glob) {
    assertThatThrownBy(() -> PathFilter.of(glob, null))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("filter pattern");
  }
}
