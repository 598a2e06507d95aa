package ca.eazybackup.e3.agent.nas.webdav;

import ca.eazybackup.e3.agent.nas.NasEntry;
import io.milton.http.Auth;
import io.milton.http.Range;
import io.milton.http.exceptions.BadRequestException;
import io.milton.http.exceptions.ConflictException;
import io.milton.http.exceptions.NotAuthorizedException;
import io.milton.resource.GetableResource;
import io.milton.resource.ReplaceableResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** A file: GET (ranges included, streamed from the volume) and PUT over it. */
final class DavFile extends DavResource implements GetableResource, ReplaceableResource {

  DavFile(Volume volume, String path, NasEntry entry) {
    super(volume, path, entry);
  }

  @Override
  public void sendContent(
      OutputStream out, Range range, Map<String, String> params, String contentType)
      throws IOException {
    long offset = 0;
    long length = -1;
    if (range != null) {
      offset =
          range.getStart() == null
              ? Math.max(0, entry.size() - range.getFinish())
              : range.getStart();
      long last =
          range.getStart() == null || range.getFinish() == null
              ? entry.size() - 1
              : Math.min(range.getFinish(), entry.size() - 1);
      length = Math.max(0, last - offset + 1);
    }
    try (InputStream in = volume.fs().read(path, offset, length)) {
      // InputStream.transferTo moves 8 KiB at a time: a 200 MiB read was 25,600 socket reads and
      // blocking writes. Large slices let the S3 client read straight from its socket and Jetty
      // write straight to the client's (LargeBodies sizes Jetty's side). A small file or range
      // gets a buffer of its own size: Explorer reads many of them.
      long expected = length >= 0 ? length : entry.size() - offset;
      byte[] buf = new byte[(int) Math.max(MIN_BUFFER, Math.min(COPY_BUFFER, expected))];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    }
  }

  private static final int COPY_BUFFER = 256 * 1024;

  /** The entry's size may be stale (S3 changed meanwhile): the loop reads to the end anyway. */
  private static final int MIN_BUFFER = 8 * 1024;

  @Override
  public Long getMaxAgeSeconds(Auth auth) {
    return null;
  }

  @Override
  public String getContentType(String accepts) {
    return Propfind.contentType(entry.name());
  }

  @Override
  public Long getContentLength() {
    return entry.size();
  }

  @Override
  public void replaceContent(InputStream in, Long length)
      throws BadRequestException, ConflictException, NotAuthorizedException {
    try {
      volume.fs().write(path, in, length == null ? -1 : length);
    } catch (IOException e) {
      throw translate(e);
    }
  }
}
