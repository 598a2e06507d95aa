package ca.eazybackup.e3.s3fixtures;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What a generated test tree contains: groups of files, each group one directory with a count, a
 * size range and a kind of content. {@link TestTree#generate} turns a spec and a seed into files;
 * the same spec and seed always give the same bytes.
 */
public record TreeSpec(String name, List<FileGroup> groups) {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  public TreeSpec {
    Objects.requireNonNull(name, "name");
    groups = List.copyOf(groups);
  }

  /** How a file's bytes are made. */
  public enum Content {
    /** Incompressible bytes. */
    RANDOM,
    /** Words and lines: compresses about 3:1, like documents and source code. */
    TEXT,
    /** Each 64 KiB block: 32 KiB random, then 32 KiB of one repeated paragraph (peer baseline). */
    MIXED
  }

  /**
   * Files of one directory. Names come from {@code names} when it is not empty, else from {@code
   * nameFormat} formatted with the index 0..count-1. Sizes are uniform in [minBytes, maxBytes].
   */
  public record FileGroup(
      String directory,
      List<String> names,
      String nameFormat,
      int count,
      long minBytes,
      long maxBytes,
      Content content) {

    public FileGroup {
      names = List.copyOf(names);
      if (!names.isEmpty()) {
        count = names.size();
      }
      if (count < 0 || minBytes < 0 || maxBytes < minBytes) {
        throw new IllegalArgumentException(
            "bad file group "
                + directory
                + ": count "
                + count
                + ", sizes "
                + minBytes
                + "-"
                + maxBytes);
      }
      directory = directory.replace('\\', '/');
      while (directory.endsWith("/")) {
        directory = directory.substring(0, directory.length() - 1);
      }
      if (directory.startsWith("/") || directory.contains("..")) {
        throw new IllegalArgumentException("directory must be relative: " + directory);
      }
    }

    /** {@code count} files named {@code nameFormat} with the index, e.g. "f%05d.dat". */
    public static FileGroup numbered(
        String directory,
        String nameFormat,
        int count,
        long minBytes,
        long maxBytes,
        Content content) {
      return new FileGroup(directory, List.of(), nameFormat, count, minBytes, maxBytes, content);
    }

    /** Files with exactly these names (spaces, accents, symbols...). */
    public static FileGroup named(
        String directory, List<String> names, long minBytes, long maxBytes, Content content) {
      return new FileGroup(directory, names, "", names.size(), minBytes, maxBytes, content);
    }

    String fileName(int index) {
      return names.isEmpty() ? String.format(Locale.ROOT, nameFormat, index) : names.get(index);
    }

    String path(int index) {
      return directory.isEmpty() ? fileName(index) : directory + "/" + fileName(index);
    }
  }

  /** One file the spec will produce for a seed. */
  public record PlannedFile(String path, long size, Content content, long contentSeed) {}

  /**
   * The files this spec makes for {@code seed}, without writing anything (e.g. to check counts and
   * sizes of a large preset). Each file's size and content seed depend only on the seed, its group
   * and its index, so generation can run in parallel.
   */
  public List<PlannedFile> plan(long seed) {
    List<PlannedFile> files = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      FileGroup group = groups.get(g);
      for (int i = 0; i < group.count(); i++) {
        SplittableRandom rng = new SplittableRandom(mix(seed, g, i));
        long size =
            group.minBytes() == group.maxBytes()
                ? group.minBytes()
                : group.minBytes() + rng.nextLong(group.maxBytes() - group.minBytes() + 1);
        files.add(new PlannedFile(group.path(i), size, group.content(), rng.nextLong()));
      }
    }
    return files;
  }

  private static long mix(long seed, int group, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + group * 0xBF58476D1CE4E5B9L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Names that break careless code: spaces, accents, CJK, Cyrillic, symbols, an emoji. */
  static List<FileGroup> awkwardNames(long maxBytes) {
    return List.of(
        FileGroup.named(
            "My Documents",
            List.of("Résumé final.txt", "notes (copy 2).txt", "Ünïcödé naïve café.md"),
            0,
            maxBytes,
            Content.TEXT),
        FileGroup.named(
            "Photos/été 2024", List.of("plage à Nice.jpg"), 1, maxBytes, Content.RANDOM),
        FileGroup.named("日本語フォルダ", List.of("ファイル名.txt"), 1, maxBytes, Content.TEXT),
        FileGroup.named("Привет мир", List.of("файл с пробелами.txt"), 1, maxBytes, Content.TEXT),
        FileGroup.named(
            "symbols",
            List.of(
                "a+b = c.txt",
                "100% sure.txt",
                "hash#tag & co.txt",
                "it's here.txt",
                "semi;colon,comma.txt",
                "~tilde {braces} [brackets].txt",
                "party 🎉.txt"),
            1,
            maxBytes,
            Content.TEXT),
        FileGroup.named("empty", List.of("zero.txt", "also empty.dat"), 0, 0, Content.RANDOM),
        FileGroup.named(
            "deep/a/b/c/d/e/f/g/h", List.of("deep file.txt"), 1, maxBytes, Content.TEXT));
  }

  /**
   * For fast tests: about 35 files under 2 MB with nested folders, empty files and awkward names.
   */
  public static TreeSpec small() {
    List<FileGroup> groups = new ArrayList<>(awkwardNames(4 * KIB));
    groups.add(FileGroup.numbered("docs", "doc %02d.txt", 10, 100, 8 * KIB, Content.TEXT));
    groups.add(
        FileGroup.numbered("data/nested/deeper", "blob-%d.bin", 8, KIB, 64 * KIB, Content.RANDOM));
    groups.add(FileGroup.numbered("media", "clip%d.mov", 2, 256 * KIB, 300 * KIB, Content.MIXED));
    return new TreeSpec("small", groups);
  }

  /**
   * For the simulation demo: about 200 files, 25-40 MB, from empty files to a 10 MiB archive (above
   * common multipart thresholds).
   */
  public static TreeSpec demo() {
    List<FileGroup> groups = new ArrayList<>(awkwardNames(16 * KIB));
    groups.add(
        FileGroup.numbered(
            "Documents/reports", "report %03d.docx", 40, KIB, 64 * KIB, Content.TEXT));
    groups.add(
        FileGroup.numbered(
            "Documents/letters", "letter-%02d.txt", 30, 200, 16 * KIB, Content.TEXT));
    groups.add(
        FileGroup.numbered(
            "Photos/2023", "IMG_%04d.jpg", 25, 100 * KIB, 400 * KIB, Content.RANDOM));
    groups.add(
        FileGroup.numbered(
            "Photos/2024/Summer trip", "DSC %04d.jpg", 20, 100 * KIB, 400 * KIB, Content.RANDOM));
    groups.add(
        FileGroup.numbered(
            "Projects/e3/src/main", "Class%02d.java", 50, 200, 8 * KIB, Content.TEXT));
    groups.add(
        FileGroup.numbered(
            "Projects/e3/build", "artifact-%d.jar", 10, 64 * KIB, MIB, Content.MIXED));
    groups.add(
        FileGroup.named("Archives", List.of("backup-2023.tar"), 10 * MIB, 10 * MIB, Content.MIXED));
    groups.add(
        FileGroup.named("Archives", List.of("disk image.iso"), 4 * MIB, 4 * MIB, Content.RANDOM));
    groups.add(FileGroup.numbered("empty", "placeholder-%d", 3, 0, 0, Content.RANDOM));
    return new TreeSpec("demo", groups);
  }

  /**
   * The peer benchmark dataset of research/peer-baseline.md: 20,000 files of 1-16 KiB ({@code
   * small/g0/} 2,000 flat, {@code small/g1..g9/s0..s9/} 200 each), 50 files of 1-8 MiB, 2 × 200
   * MiB; every 64 KiB block half random, half repeated text. About 0.8 GB.
   */
  public static TreeSpec peerBaseline() {
    List<FileGroup> groups = new ArrayList<>();
    groups.add(FileGroup.numbered("large", "big%d.bin", 2, 200 * MIB, 200 * MIB, Content.MIXED));
    groups.add(FileGroup.numbered("medium", "m%02d.bin", 50, MIB, 8 * MIB, Content.MIXED));
    groups.add(FileGroup.numbered("small/g0", "f%05d.dat", 2000, KIB, 16 * KIB, Content.MIXED));
    for (int g = 1; g <= 9; g++) {
      for (int s = 0; s <= 9; s++) {
        groups.add(
            FileGroup.numbered(
                "small/g" + g + "/s" + s, "f%05d.dat", 200, KIB, 16 * KIB, Content.MIXED));
      }
    }
    return new TreeSpec("peer-baseline", groups);
  }

  /**
   * The peer baseline's shape at about 1/60 of its size (~13 MB), for perf/run --smoke: 2 × 4 MiB,
   * 6 files of 256 KiB-1 MiB, 300 files of 1-16 KiB in a flat folder and two nested ones. Names end
   * in .bin/.dat, as in the full set: S3Proxy rejects the signature of a PUT whose Content-Type
   * carries a charset (rclone sends "text/plain; charset=utf-8" for .txt).
   */
  public static TreeSpec peerBaselineMini() {
    List<FileGroup> groups = new ArrayList<>();
    groups.add(FileGroup.numbered("large", "big%d.bin", 2, 4 * MIB, 4 * MIB, Content.MIXED));
    groups.add(FileGroup.numbered("medium", "m%02d.bin", 6, 256 * KIB, MIB, Content.MIXED));
    groups.add(FileGroup.numbered("small/g0", "f%05d.dat", 100, KIB, 16 * KIB, Content.MIXED));
    groups.add(FileGroup.numbered("small/g1/s0", "f%05d.dat", 100, KIB, 16 * KIB, Content.MIXED));
    groups.add(FileGroup.numbered("small/g1/s1", "f%05d.dat", 100, KIB, 16 * KIB, Content.MIXED));
    return new TreeSpec("peer-baseline-mini", groups);
  }

  /**
   * {@code n} tiny files (1-64 bytes) in folders of 1,000, for memory and scan tests with very many
   * entries.
   */
  public static TreeSpec manySmallFiles(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0: " + n);
    }
    List<FileGroup> groups = new ArrayList<>();
    int perDir = 1000;
    for (int d = 0; d * perDir < n; d++) {
      int count = Math.min(perDir, n - d * perDir);
      groups.add(
          FileGroup.numbered(
              String.format(Locale.ROOT, "d%04d/e%02d", d / 100, d % 100),
              "t%03d",
              count,
              1,
              64,
              Content.RANDOM));
    }
    return new TreeSpec("many-small-files-" + n, groups);
  }

  /**
   * For S3-compatibility scenarios: a flat folder of 2,500 small files (more than one 1,000-key
   * listing page), a 24 MiB file (above the sync engine's 16 MiB multipart cutoff, so three parts)
   * and awkward names; about 30 MB.
   */
  public static TreeSpec compat() {
    List<FileGroup> groups = new ArrayList<>(awkwardNames(4 * KIB));
    groups.add(FileGroup.numbered("flat", "item-%04d.txt", 2500, 16, 2 * KIB, Content.TEXT));
    groups.add(FileGroup.named("large", List.of("volume.vhdx"), 24 * MIB, 24 * MIB, Content.MIXED));
    groups.add(FileGroup.numbered("nested/a/b/c", "leaf-%d.bin", 5, KIB, 64 * KIB, Content.RANDOM));
    return new TreeSpec("compat", groups);
  }

  /**
   * A preset by name: small, demo, compat, peer-baseline, peer-baseline-mini, many-small-files:N
   * (for the command line).
   */
  public static TreeSpec named(String name) {
    if (name.startsWith("many-small-files:")) {
      return manySmallFiles(Integer.parseInt(name.substring("many-small-files:".length())));
    }
    switch (name) {
      case "small":
        return small();
      case "demo":
        return demo();
      case "compat":
        return compat();
      case "peer-baseline":
        return peerBaseline();
      case "peer-baseline-mini":
        return peerBaselineMini();
      default:
        throw new IllegalArgumentException(
            "unknown tree spec '"
                + name
                + "': use small, demo, compat, peer-baseline, peer-baseline-mini or many-small-files:N");
    }
  }
}
