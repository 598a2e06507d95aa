package ca.eazybackup.e3.agent.nas.webdav;

import ca.eazybackup.e3.agent.nas.NasEntry;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasFileSystem;
import io.milton.config.HttpManagerBuilder;
import io.milton.http.AuthenticationService;
import io.milton.http.HttpManager;
import io.milton.servlet.ServletRequest;
import io.milton.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One served filesystem under its capability path: decides every request's fate in one place.
 * Read-only refusals, the RFC 4918 preconditions ({@link Preconditions}), PROPFIND, PROPPATCH,
 * LOCK, UNLOCK and OPTIONS are answered here; GET/HEAD, PUT, DELETE, MKCOL, COPY and MOVE go to
 * Milton once their preconditions hold.
 */
final class Volume {
  private static final Logger log = LoggerFactory.getLogger(Volume.class);

  /** WebClient's default {@code FileAttributesLimitInBytes}: a larger listing shows empty. */
  static final long WEBCLIENT_LISTING_LIMIT = 1_000_000;

  static final Set<String> WRITES =
      Set.of("PUT", "DELETE", "MKCOL", "MOVE", "COPY", "PROPPATCH", "LOCK", "UNLOCK", "POST");
  static final String ALLOW =
      "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";
  static final String ALLOW_READ_ONLY = "OPTIONS, GET, HEAD, PROPFIND";

  private static final ThreadLocal<HttpServletRequest> CURRENT = new ThreadLocal<>();

  private final String capability;
  private final NasFileSystem fs;
  private final boolean readOnly;
  private final NasEvents events;
  private final PropertyStore properties;
  private final LockTable locks = new LockTable();
  private final Preconditions preconditions = new Preconditions(this);
  private final HttpManager milton;
  private final Map<String, Long> warnedListings = new ConcurrentHashMap<>();
  private final int port;

  Volume(
      String capability,
      NasFileSystem fs,
      boolean readOnly,
      NasEvents events,
      PropertyStore properties,
      int port) {
    this.capability = capability;
    this.fs = fs;
    this.readOnly = readOnly || fs.isReadOnly();
    this.events = events;
    this.properties = properties;
    this.port = port;
    this.milton = buildMilton();
  }

  private HttpManager buildMilton() {
    HttpManagerBuilder b = new HttpManagerBuilder();
    b.setResourceFactory((host, url) -> resolve(url));
    b.setAuthenticationService(new AuthenticationService(List.of()));
    b.setEnabledJson(false);
    b.setEnableCompression(false);
    b.setEnableExpectContinue(false); // Jetty answers 100-continue itself when the body is read
    b.setEnableOptionsAuth(false);
    b.seteTagGenerator(r -> r instanceof DavResource d ? etagOfNullable(d.entry) : null);
    return b.buildHttpManager();
  }

  String capability() {
    return capability;
  }

  NasFileSystem fs() {
    return fs;
  }

  LockTable locks() {
    return locks;
  }

  PropertyStore properties() {
    return properties;
  }

  boolean readOnly() {
    return readOnly;
  }

  /** The quoted ETag header value of a file. */
  static String etagOf(NasEntry e) {
    return "\"" + (e.etag() == null ? Integer.toHexString(e.hashCode()) : e.etag()) + "\"";
  }

  private static String etagOfNullable(NasEntry e) {
    return e.folder() ? null : etagOf(e);
  }

  /** A header of the request being handled on this thread (for Milton callbacks). */
  static String header(String name) {
    HttpServletRequest r = CURRENT.get();
    return r == null ? null : r.getHeader(name);
  }

  String pathOfTag(String tag) {
    return Preconditions.tagPath(tag, capability);
  }

  private DavResource resolve(String url) {
    try {
      DavPaths.Target t = DavPaths.parse(encodeForParse(url));
      if (!t.capability().equals(capability)) {
        return null;
      }
      NasEntry e = fs.stat(t.path());
      return e == null ? null : DavResource.of(this, t.path(), e);
    } catch (DavPaths.BadPathException e) {
      return null;
    } catch (IOException e) {
      throw DavResource.translateUnchecked(e);
    }
  }

  /** Milton hands over decoded paths; re-encode so the one strict parser reads them. */
  private static String encodeForParse(String decoded) {
    StringBuilder sb = new StringBuilder();
    for (String seg : decoded.split("/", -1)) {
      if (sb.length() > 0 || decoded.startsWith("/")) {
        sb.append('/');
      }
      sb.append(DavPaths.encodeSegment(seg));
    }
    String s = sb.toString();
    return s.startsWith("//") ? s.substring(1) : s;
  }

  // ---------------------------------------------------------------- hooks from Milton resources

  void deleted(String path) {
    properties.drop(path);
    locks.removeWithin(path);
  }

  void moved(String from, String to) {
    properties.move(from, to);
    locks.removeWithin(from);
  }

  void copied(String from, String to, boolean recursive) {
    properties.copy(from, to, recursive);
  }

  // ---------------------------------------------------------------- dispatch

  void handle(HttpServletRequest req, HttpServletResponse resp, DavPaths.Target target)
      throws IOException {
    String method = req.getMethod();
    String path = target.path();
    if (readOnly && WRITES.contains(method)) {
      resp.setStatus(403);
      resp.setContentType("text/plain;charset=utf-8");
      resp.getWriter().write("this Cloud NAS volume is read-only");
      return;
    }
    CURRENT.set(req);
    try {
      switch (method) {
        case "OPTIONS" -> options(resp);
        case "PROPFIND" -> propfind(req, resp, path);
        case "PROPPATCH" -> proppatch(req, resp, path);
        case "LOCK" -> lock(req, resp, path);
        case "UNLOCK" -> unlock(req, resp, path);
        case "GET", "HEAD" -> {
          if (precondition(req, resp, path, Preconditions.Effect.READ, null, null)) {
            NasEntry e = fs.stat(path);
            if (e != null && e.folder()) {
              folderPage(resp, path, method.equals("HEAD"));
            } else {
              if (e != null && method.equals("GET")) {
                LargeBodies.buffer(req, resp, e.size());
              }
              toMilton(req, resp, e == null ? -1 : e.size());
            }
          }
        }
        case "PUT" -> put(req, resp, path);
        case "MKCOL" -> mkcol(req, resp, path);
        case "DELETE" -> delete(req, resp, path);
        case "COPY", "MOVE" -> copyOrMove(req, resp, path, method.equals("MOVE"));
        default -> {
          resp.setHeader("Allow", readOnly ? ALLOW_READ_ONLY : ALLOW);
          resp.sendError(405);
        }
      }
    } catch (DavResource.FileSystemFailure e) {
      fail(resp, e.io(), method, path);
    } catch (IOException e) {
      if (resp.isCommitted()) {
        throw e;
      }
      fail(resp, e, method, path);
    } finally {
      CURRENT.remove();
    }
  }

  private void fail(HttpServletResponse resp, IOException e, String method, String path)
      throws IOException {
    int status = statusOf(e);
    if (status >= 500) {
      log.warn(
          "nas.request_failed method={} path=/{} status={} error={}",
          method,
          path,
          status,
          e.toString());
    }
    if (!resp.isCommitted()) {
      resp.resetBuffer();
      resp.setStatus(status);
      resp.setContentType("text/plain;charset=utf-8");
      resp.getWriter().write(e.getMessage() == null ? "" : e.getMessage());
    }
  }

  static int statusOf(IOException e) {
    if (e instanceof AccessDeniedException) {
      return 403;
    }
    if (e instanceof NoSuchFileException) {
      return 404;
    }
    if (e instanceof NotDirectoryException) {
      return 409;
    }
    if (e instanceof FileAlreadyExistsException) {
      return 405;
    }
    if (e instanceof FileSystemException f
        && f.getReason() != null
        && f.getReason().contains("No space")) {
      return 507;
    }
    return 502;
  }

  private void toMilton(HttpServletRequest req, HttpServletResponse resp) {
    toMilton(req, resp, -1);
  }

  /** {@code size}: of the file a GET/HEAD reads (suffix ranges made explicit), else -1. */
  private void toMilton(HttpServletRequest req, HttpServletResponse resp, long size) {
    HttpServletRequest wrapped = new ForMilton(req, size);
    milton.process(new ServletRequest(wrapped, req.getServletContext()), new ServletResponse(resp));
  }

  private boolean precondition(
      HttpServletRequest req,
      HttpServletResponse resp,
      String path,
      Preconditions.Effect effect,
      String dest,
      Preconditions.Effect destEffect)
      throws IOException {
    Preconditions.Failure f =
        preconditions.check(req.getHeader("If"), path, effect, dest, destEffect);
    if (f == null) {
      return true;
    }
    resp.setStatus(f.status());
    if (f.status() == 423) {
      resp.setContentType("application/xml;charset=utf-8");
      resp.getWriter()
          .write(
              "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:error xmlns:D=\"DAV:\">"
                  + "<D:lock-token-submitted><D:href>"
                  + Xml.escape(DavPaths.href(capability, f.lockedPath(), false))
                  + "</D:href></D:lock-token-submitted></D:error>");
    } else {
      resp.setContentType("text/plain;charset=utf-8");
      resp.getWriter().write(f.message());
    }
    return false;
  }

  private void options(HttpServletResponse resp) {
    optionsHeaders(resp, readOnly);
    resp.setStatus(200);
    resp.setContentLength(0);
  }

  static void optionsHeaders(HttpServletResponse resp, boolean readOnly) {
    resp.setHeader("DAV", "1, 2");
    resp.setHeader("MS-Author-Via", "DAV");
    resp.setHeader("Allow", readOnly ? ALLOW_READ_ONLY : ALLOW);
  }

  /** GET of a folder: a plain HTML index (for a browser opened on the URL); HEAD: 200. */
  private void folderPage(HttpServletResponse resp, String path, boolean head) throws IOException {
    resp.setStatus(200);
    resp.setContentType("text/html;charset=utf-8");
    if (head) {
      return;
    }
    StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><body><ul>");
    for (NasEntry c : fs.list(path)) {
      String href = DavPaths.href(capability, DavPaths.child(path, c.name()), c.folder());
      sb.append("<li><a href=\"")
          .append(Xml.escape(href))
          .append("\">")
          .append(Xml.escape(c.name()))
          .append(c.folder() ? "/" : "")
          .append("</a></li>");
    }
    sb.append("</ul></body></html>");
    resp.getWriter().write(sb.toString());
  }

  // ---------------------------------------------------------------- PROPFIND

  private void propfind(HttpServletRequest req, HttpServletResponse resp, String path)
      throws IOException {
    String depth = req.getHeader("Depth");
    if (depth == null || depth.equalsIgnoreCase("infinity")) {
      resp.setStatus(403);
      resp.setContentType("application/xml;charset=utf-8");
      resp.getWriter()
          .write(
              "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:error xmlns:D=\"DAV:\">"
                  + "<D:propfind-finite-depth/></D:error>");
      return;
    }
    if (!depth.equals("0") && !depth.equals("1")) {
      resp.sendError(400, "Depth must be 0 or 1");
      return;
    }
    Propfind.Request pr;
    try {
      pr = Propfind.parse(body(req));
    } catch (Xml.BadXmlException e) {
      resp.sendError(400, e.getMessage());
      return;
    } catch (BodyTooLargeException e) {
      resp.sendError(413);
      return;
    }
    NasEntry target = fs.stat(path);
    if (target == null) {
      resp.sendError(404);
      return;
    }
    List<NasEntry> children = target.folder() && depth.equals("1") ? fs.list(path) : List.of();
    NasFileSystem.Space space =
        pr.names().contains(Propfind.QUOTA_AVAILABLE) || pr.names().contains(Propfind.QUOTA_USED)
            ? fs.space()
            : NasFileSystem.Space.UNKNOWN;
    resp.setStatus(207);
    resp.setContentType("application/xml;charset=utf-8");
    CountingOutputStream counted = new CountingOutputStream(resp.getOutputStream());
    try (Writer w =
        new BufferedWriter(new OutputStreamWriter(counted, StandardCharsets.UTF_8), 64 * 1024)) {
      w.write(Propfind.ROOT_OPEN);
      Propfind.response(w, this, path, target, pr, space);
      for (NasEntry c : children) {
        Propfind.response(w, this, DavPaths.child(path, c.name()), c, pr, space);
      }
      w.write(Propfind.ROOT_CLOSE);
    }
    if (counted.count > WEBCLIENT_LISTING_LIMIT && depth.equals("1")) {
      warnLargeListing(path, children.size(), counted.count);
    }
  }

  private void warnLargeListing(String path, int entries, long bytes) {
    long now = System.nanoTime();
    Long last = warnedListings.get(path);
    if (last != null && now - last < 3_600_000_000_000L) {
      return; // once an hour per folder
    }
    warnedListings.put(path, now);
    log.warn(
        "event=nas_listing_too_large folder=/{} entries={} bytes={} limit={}",
        path,
        entries,
        bytes,
        WEBCLIENT_LISTING_LIMIT);
    events.event(
        "NAS_LISTING_TOO_LARGE",
        "folder /"
            + path
            + " lists "
            + entries
            + " entries ("
            + bytes
            + " bytes): Windows Explorer shows folders over "
            + WEBCLIENT_LISTING_LIMIT
            + " bytes as empty unless WebClient's FileAttributesLimitInBytes is raised; split the"
            + " folder or raise the limit",
        Map.of("folder", "/" + path, "entries", entries, "bytes", bytes));
  }

  /** Counts the bytes of a response (the PROPFIND size WebClient will see). */
  private static final class CountingOutputStream extends FilterOutputStream {
    long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  // ---------------------------------------------------------------- PROPPATCH

  private void proppatch(HttpServletRequest req, HttpServletResponse resp, String path)
      throws IOException {
    List<Proppatch.Instruction> ins;
    try {
      ins = Proppatch.parse(body(req));
    } catch (Xml.BadXmlException e) {
      resp.sendError(400, e.getMessage());
      return;
    } catch (BodyTooLargeException e) {
      resp.sendError(413);
      return;
    }
    NasEntry e = fs.stat(path);
    if (e == null) {
      resp.sendError(404);
      return;
    }
    if (!precondition(req, resp, path, Preconditions.Effect.MODIFY, null, null)) {
      return;
    }
    resp.setStatus(207);
    resp.setContentType("application/xml;charset=utf-8");
    try (Writer w =
        new BufferedWriter(
            new OutputStreamWriter(resp.getOutputStream(), StandardCharsets.UTF_8))) {
      Proppatch.apply(w, this, path, e.folder(), ins);
    }
  }

  // ---------------------------------------------------------------- LOCK / UNLOCK

  private void lock(HttpServletRequest req, HttpServletResponse resp, String path)
      throws IOException {
    byte[] body;
    try {
      body = body(req);
    } catch (BodyTooLargeException e) {
      resp.sendError(413);
      return;
    }
    long timeout = Locking.timeout(req.getHeader("Timeout"));
    if (body.length == 0) {
      refresh(req, resp, path, timeout);
      return;
    }
    Locking.LockInfo info;
    try {
      info = Locking.parse(body);
    } catch (Xml.BadXmlException e) {
      resp.sendError(400, e.getMessage());
      return;
    }
    String depth = req.getHeader("Depth");
    boolean deep = depth == null || depth.equalsIgnoreCase("infinity");
    if (!deep && !"0".equals(depth)) {
      resp.sendError(400, "LOCK Depth must be 0 or infinity");
      return;
    }
    NasEntry e = fs.stat(path);
    if (!precondition(
        req,
        resp,
        path,
        e == null ? Preconditions.Effect.CREATE : Preconditions.Effect.READ,
        null,
        null)) {
      return;
    }
    boolean created = false;
    LockTable.Lock l;
    try {
      l = locks.lock(path, info.exclusive(), deep, info.ownerXml(), timeout);
    } catch (LockTable.ConflictException c) {
      resp.setStatus(423);
      resp.setContentType("application/xml;charset=utf-8");
      resp.getWriter()
          .write(
              "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:error xmlns:D=\"DAV:\">"
                  + "<D:no-conflicting-lock><D:href>"
                  + Xml.escape(DavPaths.href(capability, c.root, false))
                  + "</D:href></D:no-conflicting-lock></D:error>");
      return;
    }
    if (e == null) {
      // RFC 4918 §7.3: a LOCK on an unmapped URL creates an empty resource
      try {
        fs.write(path, InputStream.nullInputStream(), 0);
        created = true;
      } catch (IOException ex) {
        locks.unlock(l.token);
        throw ex;
      }
    }
    resp.setStatus(created ? 201 : 200);
    resp.setHeader("Lock-Token", "<" + l.token + ">");
    resp.setContentType("application/xml;charset=utf-8");
    resp.getWriter().write(Locking.lockResponse(this, l));
  }

  private void refresh(HttpServletRequest req, HttpServletResponse resp, String path, long timeout)
      throws IOException {
    String ifHeader = req.getHeader("If");
    if (ifHeader == null) {
      resp.sendError(400, "a LOCK without body refreshes a lock: send its token in If");
      return;
    }
    IfHeader ih;
    try {
      ih = IfHeader.parse(ifHeader);
    } catch (IfHeader.BadIfHeaderException e) {
      resp.sendError(400, e.getMessage());
      return;
    }
    for (String token : ih.submittedTokens()) {
      LockTable.Lock l = locks.byToken(token);
      if (l != null && l.covers(path)) {
        locks.refresh(token, timeout);
        resp.setStatus(200);
        resp.setContentType("application/xml;charset=utf-8");
        resp.getWriter().write(Locking.lockResponse(this, l));
        return;
      }
    }
    resp.setStatus(412);
    resp.setContentType("application/xml;charset=utf-8");
    resp.getWriter()
        .write(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:error xmlns:D=\"DAV:\">"
                + "<D:lock-token-matches-request-uri/></D:error>");
  }

  private void unlock(HttpServletRequest req, HttpServletResponse resp, String path)
      throws IOException {
    String token = Locking.token(req.getHeader("Lock-Token"));
    if (token == null) {
      resp.sendError(400, "UNLOCK needs a Lock-Token header");
      return;
    }
    LockTable.Lock l = locks.byToken(token);
    if (l == null || !l.covers(path)) {
      resp.setStatus(409);
      resp.setContentType("application/xml;charset=utf-8");
      resp.getWriter()
          .write(
              "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:error xmlns:D=\"DAV:\">"
                  + "<D:lock-token-matches-request-uri/></D:error>");
      return;
    }
    locks.unlock(token);
    resp.setStatus(204);
  }

  // ---------------------------------------------------------------- PUT, MKCOL, DELETE

  private void put(HttpServletRequest req, HttpServletResponse resp, String path)
      throws IOException {
    if (path.isEmpty()) {
      resp.sendError(405, "the volume root is a folder");
      return;
    }
    NasEntry parent = fs.stat(DavPaths.parentOf(path));
    if (parent == null || !parent.folder()) {
      resp.sendError(409, "the parent folder does not exist");
      return;
    }
    NasEntry e = fs.stat(path);
    if (e != null && e.folder()) {
      resp.sendError(405, "a folder has this name");
      return;
    }
    if (!precondition(
        req,
        resp,
        path,
        e == null ? Preconditions.Effect.CREATE : Preconditions.Effect.MODIFY,
        null,
        null)) {
      return;
    }
    String range = req.getHeader("Content-Range");
    if (range != null) {
      partialPut(req, resp, path, e, range);
      return;
    }
    if (!matches(req, e)) {
      resp.sendError(412, "If-Match / If-None-Match does not hold");
      return;
    }
    // Every check Milton's PUT would make is done above; going through it cost a resolve of the
    // target and of its parent and Milton's request pipeline per file, which dominated a copy of
    // many small files (perf/nas-bench.sh).
    NasEntry written = fs.write(path, req.getInputStream(), req.getContentLengthLong());
    resp.setStatus(e == null ? 201 : 204);
    resp.setHeader("ETag", etagOf(written));
    resp.setContentLength(0);
  }

  /** HTTP's own conditions of a PUT (RFC 9110 13.1.1-2) against the file there now, if any. */
  private static boolean matches(HttpServletRequest req, NasEntry existing) {
    String ifMatch = req.getHeader("If-Match");
    if (ifMatch != null) {
      if (existing == null || existing.folder()) {
        return false;
      }
      if (!ifMatch.strip().equals("*") && !listed(ifMatch, etagOf(existing))) {
        return false;
      }
    }
    String ifNoneMatch = req.getHeader("If-None-Match");
    if (ifNoneMatch != null && existing != null) {
      return !ifNoneMatch.strip().equals("*") && !listed(ifNoneMatch, etagOf(existing));
    }
    return true;
  }

  private static boolean listed(String header, String etag) {
    for (String t : header.split(",")) {
      String tag = t.strip();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** PUT with {@code Content-Range: bytes a-b/len} (Apache's and SabreDAV's partial update). */
  private void partialPut(
      HttpServletRequest req, HttpServletResponse resp, String path, NasEntry e, String range)
      throws IOException {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)").matcher(range.strip());
    if (e == null || !m.matches()) {
      resp.sendError(e == null ? 404 : 400, "bad Content-Range for a partial PUT");
      return;
    }
    long start = Long.parseLong(m.group(1));
    long end = Long.parseLong(m.group(2));
    try {
      fs.writeRange(path, start, req.getInputStream(), end - start + 1);
    } catch (UnsupportedOperationException u) {
      resp.sendError(501, u.getMessage());
      return;
    }
    resp.setStatus(204);
  }

  private void mkcol(HttpServletRequest req, HttpServletResponse resp, String path)
      throws IOException {
    if (req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null) {
      resp.sendError(415, "MKCOL with a body is not supported");
      return;
    }
    if (path.isEmpty() || fs.stat(path) != null) {
      resp.setHeader("Allow", ALLOW);
      resp.sendError(405, "something exists at this path");
      return;
    }
    NasEntry parent = fs.stat(DavPaths.parentOf(path));
    if (parent == null || !parent.folder()) {
      resp.sendError(409, "the parent folder does not exist");
      return;
    }
    if (precondition(req, resp, path, Preconditions.Effect.CREATE, null, null)) {
      fs.mkdir(path);
      resp.setStatus(201);
    }
  }

  private void delete(HttpServletRequest req, HttpServletResponse resp, String path)
      throws IOException {
    if (path.isEmpty()) {
      resp.sendError(403, "the volume root cannot be deleted");
      return;
    }
    String depth = req.getHeader("Depth");
    NasEntry e = fs.stat(path);
    if (e == null) {
      resp.sendError(404);
      return;
    }
    if (e.folder() && depth != null && !depth.equalsIgnoreCase("infinity")) {
      resp.sendError(400, "DELETE of a folder must have Depth: infinity");
      return;
    }
    if (precondition(req, resp, path, Preconditions.Effect.REMOVE, null, null)) {
      fs.delete(path);
      deleted(path);
      resp.setStatus(204);
    }
  }

  // ---------------------------------------------------------------- COPY, MOVE

  private void copyOrMove(
      HttpServletRequest req, HttpServletResponse resp, String path, boolean move)
      throws IOException {
    String destHeader = req.getHeader("Destination");
    if (destHeader == null) {
      resp.sendError(400, "Destination header missing");
      return;
    }
    String dest;
    try {
      URI u = new URI(destHeader);
      if (u.getHost() != null
          && !(DavServlet.isLoopbackHost(u.getHost()) && (u.getPort() == port))) {
        resp.sendError(502, "the destination is on another server");
        return;
      }
      DavPaths.Target t = DavPaths.parse(u.getRawPath());
      if (!t.capability().equals(capability)) {
        resp.sendError(502, "the destination is in another volume");
        return;
      }
      dest = t.path();
    } catch (URISyntaxException | DavPaths.BadPathException e) {
      resp.sendError(400, "bad Destination: " + e.getMessage());
      return;
    }
    if (path.isEmpty() || dest.isEmpty()) {
      resp.sendError(403, "the volume root cannot be copied or moved");
      return;
    }
    if (dest.equals(path)) {
      resp.sendError(403, "source and destination are the same");
      return;
    }
    NasEntry src = fs.stat(path);
    if (src == null) {
      resp.sendError(404);
      return;
    }
    if (src.folder() && DavPaths.isWithin(dest, path)) {
      resp.sendError(403, "a folder cannot be copied or moved into itself");
      return;
    }
    String depth = req.getHeader("Depth");
    if (src.folder() && depth != null) {
      boolean infinity = depth.equalsIgnoreCase("infinity");
      if (move ? !infinity : !(infinity || depth.equals("0"))) {
        resp.sendError(400, "bad Depth for " + (move ? "MOVE" : "COPY") + " of a folder");
        return;
      }
    }
    NasEntry existing = fs.stat(dest);
    if (!precondition(
        req,
        resp,
        path,
        move ? Preconditions.Effect.REMOVE : Preconditions.Effect.READ,
        dest,
        existing == null ? Preconditions.Effect.CREATE : Preconditions.Effect.REMOVE)) {
      return;
    }
    toMilton(req, resp);
  }

  // ---------------------------------------------------------------- bodies

  private static final class BodyTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;
  }

  private static byte[] body(HttpServletRequest req) throws IOException, BodyTooLargeException {
    if (req.getContentLengthLong() > Xml.MAX_BODY) {
      throw new BodyTooLargeException();
    }
    try (InputStream in = req.getInputStream()) {
      byte[] b = in.readNBytes(Xml.MAX_BODY + 1);
      if (b.length > Xml.MAX_BODY) {
        throw new BodyTooLargeException();
      }
      return b;
    }
  }

  void close() {
    properties.close();
    milton.shutdown();
  }
}
