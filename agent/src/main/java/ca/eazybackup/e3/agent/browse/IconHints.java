package ca.eazybackup.e3.agent.browse;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The icon the browser UI shows for an entry, from its type and extension. */
public final class IconHints {
  private IconHints() {}

  static final String FOLDER = "folder";
  static final String FILE = "file";

  private static final Map<String, String> BY_EXTENSION = new HashMap<>();

  static {
    add("file-image", "jpg jpeg png gif bmp tif tiff webp heic heif svg ico raw cr2 nef psd");
    add("file-video", "mp4 mkv avi mov wmv m4v webm mpg mpeg flv");
    add("file-audio", "mp3 wav flac aac ogg m4a wma opus");
    add("file-archive", "zip 7z rar tar gz tgz bz2 xz zst iso cab lz4 vhd vhdx");
    add("file-pdf", "pdf");
    add("file-spreadsheet", "xls xlsx xlsm ods csv tsv");
    add("file-presentation", "ppt pptx odp key");
    add("file-document", "doc docx odt rtf txt md log");
    add(
        "file-code",
        "java py js ts jsx tsx go c h cpp hpp cs php rb rs sh bash ps1 psm1 bat cmd json xml yml"
            + " yaml toml html htm css scss sql kt swift lua pl");
    add("file-executable", "exe msi com scr appx msix");
    add("file-database", "db sqlite mdb accdb pst ost bak");
    add("file-system", "ini sys dll inf cat drv lnk msc cpl dat reg");
  }

  private static void add(String icon, String extensions) {
    for (String ext : List.of(extensions.split(" "))) {
      BY_EXTENSION.put(ext, icon);
    }
  }

  /** {@code folder} for folders, else by extension, {@code file} when unknown. */
  public static String of(String name, boolean directory) {
    if (directory) {
      return FOLDER;
    }
    int dot = name.lastIndexOf('.');
    if (dot < 0 || dot == name.length() - 1) {
      return FILE;
    }
    return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), FILE);
  }

  /** {@code drive}, {@code network-drive}, {@code removable-drive}, {@code cdrom-drive} … */
  static String ofDrive(String driveType) {
    if (driveType == null || driveType.equals("fixed") || driveType.equals("unknown")) {
      return "drive";
    }
    return driveType + "-drive";
  }
}
