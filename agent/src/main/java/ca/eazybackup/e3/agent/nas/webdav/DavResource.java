package ca.eazybackup.e3.agent.nas.webdav;

import ca.eazybackup.e3.agent.nas.NasEntry;
import io.milton.http.Auth;
import io.milton.http.Request;
import io.milton.http.exceptions.BadRequestException;
import io.milton.http.exceptions.ConflictException;
import io.milton.http.exceptions.NotAuthorizedException;
import io.milton.resource.CollectionResource;
import io.milton.resource.CopyableResource;
import io.milton.resource.DeletableResource;
import io.milton.resource.MoveableResource;
import io.milton.resource.PropFindableResource;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Date;

/**
 * What Milton sees of a volume entry: the methods Milton runs for us (GET/HEAD, PUT, DELETE, MKCOL,
 * COPY, MOVE) call through to the volume's {@link ca.eazybackup.e3.agent.nas.NasFileSystem}.
 * Security (Host, capability, read-only, locks) was checked before Milton was called, so {@link
 * #authorise} allows everything.
 */
abstract class DavResource
    implements PropFindableResource, DeletableResource, MoveableResource, CopyableResource {
  final Volume volume;
  final String path;
  final NasEntry entry;

  DavResource(Volume volume, String path, NasEntry entry) {
    this.volume = volume;
    this.path = path;
    this.entry = entry;
  }

  static DavResource of(Volume volume, String path, NasEntry e) {
    return e.folder() ? new DavFolder(volume, path, e) : new DavFile(volume, path, e);
  }

  @Override
  public String getUniqueId() {
    return entry.folder() ? null : entry.etag();
  }

  @Override
  public String getName() {
    return path.isEmpty() ? volume.capability() : entry.name();
  }

  @Override
  public Object authenticate(String user, String password) {
    return user;
  }

  @Override
  public boolean authorise(Request request, Request.Method method, Auth auth) {
    return true;
  }

  @Override
  public String getRealm() {
    return "e3";
  }

  @Override
  public Date getModifiedDate() {
    return Date.from(Propfind.modified(entry, volume.properties().get(path)));
  }

  @Override
  public Date getCreateDate() {
    return Date.from(Propfind.created(entry, volume.properties().get(path)));
  }

  @Override
  public String checkRedirect(Request request) {
    return null;
  }

  @Override
  public void delete() throws NotAuthorizedException, ConflictException, BadRequestException {
    try {
      volume.fs().delete(path);
    } catch (IOException e) {
      throw translate(e);
    }
    volume.deleted(path);
  }

  @Override
  public void moveTo(CollectionResource dest, String name)
      throws ConflictException, NotAuthorizedException, BadRequestException {
    String to = DavPaths.child(((DavFolder) dest).path, name);
    try {
      volume.fs().move(path, to);
    } catch (IOException e) {
      throw translate(e);
    }
    volume.moved(path, to);
  }

  @Override
  public void copyTo(CollectionResource dest, String name)
      throws NotAuthorizedException, BadRequestException, ConflictException {
    String to = DavPaths.child(((DavFolder) dest).path, name);
    boolean recursive = !"0".equals(Volume.header("Depth"));
    try {
      volume.fs().copy(path, to, recursive);
    } catch (IOException e) {
      throw translate(e);
    }
    volume.copied(path, to, recursive);
  }

  /** Milton's exceptions for a filesystem failure; anything else is rethrown unchecked. */
  static RuntimeException translateUnchecked(IOException e) {
    return new FileSystemFailure(e);
  }

  static ConflictException translate(IOException e) throws NotAuthorizedException {
    if (e instanceof AccessDeniedException) {
      throw new NotAuthorizedException(e.getMessage(), null);
    }
    if (e instanceof NoSuchFileException
        || e instanceof NotDirectoryException
        || e instanceof FileAlreadyExistsException) {
      return new ConflictException(e.getMessage());
    }
    throw new FileSystemFailure(e);
  }

  /** An I/O failure carried through Milton to the servlet, which answers 502 or 500. */
  static final class FileSystemFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FileSystemFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }

    IOException io() {
      return (IOException) getCause();
    }
  }
}
