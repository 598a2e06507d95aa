package ca.eazybackup.e3.agent.nas.webdav;

import ca.eazybackup.e3.agent.nas.NasEntry;
import io.milton.http.Request;
import io.milton.http.exceptions.BadRequestException;
import io.milton.http.exceptions.ConflictException;
import io.milton.http.exceptions.NotAuthorizedException;
import io.milton.resource.CollectionResource;
import io.milton.resource.DeletableCollectionResource;
import io.milton.resource.MakeCollectionableResource;
import io.milton.resource.PutableResource;
import io.milton.resource.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** A folder: its children, PUT of a new file into it, MKCOL below it, DELETE of it. */
final class DavFolder extends DavResource
    implements PutableResource, MakeCollectionableResource, DeletableCollectionResource {

  DavFolder(Volume volume, String path, NasEntry entry) {
    super(volume, path, entry);
  }

  @Override
  public Resource child(String childName) {
    String p = DavPaths.child(path, childName);
    try {
      NasEntry e = volume.fs().stat(p);
      return e == null ? null : DavResource.of(volume, p, e);
    } catch (IOException e) {
      throw translateUnchecked(e);
    }
  }

  @Override
  public List<? extends Resource> getChildren() {
    try {
      List<Resource> out = new ArrayList<>();
      for (NasEntry e : volume.fs().list(path)) {
        out.add(DavResource.of(volume, DavPaths.child(path, e.name()), e));
      }
      return out;
    } catch (IOException e) {
      throw translateUnchecked(e);
    }
  }

  @Override
  public Resource createNew(String newName, InputStream in, Long length, String contentType)
      throws ConflictException, NotAuthorizedException, BadRequestException {
    String p = DavPaths.child(path, newName);
    try {
      NasEntry e = volume.fs().write(p, in, length == null ? -1 : length);
      return new DavFile(volume, p, e);
    } catch (IOException e) {
      throw translate(e);
    }
  }

  @Override
  public CollectionResource createCollection(String newName)
      throws NotAuthorizedException, ConflictException, BadRequestException {
    String p = DavPaths.child(path, newName);
    try {
      volume.fs().mkdir(p);
      return new DavFolder(volume, p, NasEntry.folder(newName, java.time.Instant.now()));
    } catch (IOException e) {
      throw translate(e);
    }
  }

  @Override
  public boolean isLockedOutRecursive(Request request) {
    return false; // locks were checked before Milton ran
  }
}
