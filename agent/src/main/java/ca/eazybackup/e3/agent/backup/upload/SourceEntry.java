package ca.eazybackup.e3.agent.backup.upload;

import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;

/**
 * What the walker learned about one directory entry without opening it. The change key of a file is
 * (size, mtime, mode, uid, gid): all survive reading through a VSS shadow copy or a copied tree,
 * unlike inode numbers or ctime.
 */
record SourceEntry(
    String name, String type, long size, Instant mtime, int mode, long uid, long gid) {

  boolean isDirectory() {
    return DirEntry.DIRECTORY.equals(type);
  }

  static int compare(SourceEntry a, SourceEntry b) {
    return DirEntry.compareOrder(a.isDirectory(), a.name, b.isDirectory(), b.name);
  }

  /** True when {@code prev} (from the previous snapshot) describes the same unchanged file. */
  boolean unchangedFrom(DirEntry prev) {
    return prev != null
        && prev.obj() != null
        && type.equals(prev.type())
        && name.equals(prev.name())
        && size == prev.size()
        && mtime.equals(prev.mtime())
        && mode == prev.mode()
        && uid == prev.uid()
        && gid == prev.gid();
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeUTF(name);
    out.writeUTF(type);
    out.writeLong(size);
    out.writeLong(mtime.getEpochSecond());
    out.writeInt(mtime.getNano());
    out.writeInt(mode);
    out.writeLong(uid);
    out.writeLong(gid);
  }

  static SourceEntry readFrom(DataInput in) throws IOException {
    return new SourceEntry(
        in.readUTF(),
        in.readUTF(),
        in.readLong(),
        Instant.ofEpochSecond(in.readLong(), in.readInt()),
        in.readInt(),
        in.readLong(),
        in.readLong());
  }
}
