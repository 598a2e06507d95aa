package ca.eazybackup.e3.agent.nas.webdav;

import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasFileSystem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The WebDAV server of the agent process: Jetty 12 on 127.0.0.1, serving any number of volumes,
 * each under its own random capability path. One server (and so one port) per process, because
 * Windows' WebClient caches what it learned about a host:port (the seed's "stale port" trouble):
 * remounting within a process reuses the port.
 */
public final class DavServer implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String JETTY_REFERENCES_PER_CACHE_LINE =
      "org.eclipse.jetty.util.referencesPerCacheLine";
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private final Server jetty;
  private final Map<String, Volume> volumes;
  private final int port;

  private DavServer(Server jetty, int port, Map<String, Volume> volumes) {
    this.jetty = jetty;
    this.port = port;
    this.volumes = volumes;
  }

  /**
   * Starts listening on 127.0.0.1:{@code port} (0 = a free port).
   *
   * @throws IOException when the port cannot be bound
   */
  public static DavServer start(int port) throws IOException {
    // Jetty sizes its padding from the references per cache line, which it otherwise asks the
    // platform MBean server for (UseCompressedOops): creating that server loads ~230 JMX and JFR
    // classes during a cold start (`snapshot serve`). 64-byte lines of 4-byte references is
    // what the agent's heap (well under 32 GiB, so compressed) has; it is only a sizing hint.
    if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
      System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16");
    }
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("nas-dav");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Windows names may hold '%' or ';' ("100% sure.txt", "a;b.txt"): Jetty 12 refuses their
    // encodings as ambiguous (400 before any code of ours runs). Our one strict parser (DavPaths)
    // decodes raw paths per segment and still refuses encoded slashes, '.', '..' and NUL.
    http.setUriCompliance(
        UriCompliance.DEFAULT.with(
            "nas",
            UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
            UriCompliance.Violation.AMBIGUOUS_PATH_PARAMETER));
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(port);
    connector.setIdleTimeout(120_000);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    Map<String, Volume> volumes = new ConcurrentHashMap<>();
    DavServlet servlet = new DavServlet(volumes);
    context.addServlet(new ServletHolder(servlet), "/*");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // never started
      }
      throw new IOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    int bound = connector.getLocalPort();
    servlet.port(bound);
    return new DavServer(server, bound, volumes);
  }

  public int port() {
    return port;
  }

  /** A volume being served; {@link #close()} stops serving it. */
  public final class Mount implements AutoCloseable {
    private final String capability;
    private final Volume volume;

    private Mount(String capability, Volume volume) {
      this.capability = capability;
      this.volume = volume;
    }

    /** {@code http://127.0.0.1:PORT/<capability>/}. */
    public URI url() {
      return URI.create("http://127.0.0.1:" + port + "/" + capability + "/");
    }

    @Override
    public void close() {
      volumes.remove(capability, volume);
      volume.close();
    }
  }

  /**
   * Serves {@code fs} under a new random capability.
   *
   * @param propertiesDir where dead properties are kept, or null for memory only
   */
  public Mount mount(NasFileSystem fs, boolean readOnly, NasEvents events, Path propertiesDir)
      throws IOException {
    String capability = newCapability();
    PropertyStore props =
        propertiesDir == null ? PropertyStore.inMemory() : PropertyStore.open(propertiesDir);
    Volume v = new Volume(capability, fs, readOnly, events, props, port);
    volumes.put(capability, v);
    return new Mount(capability, v);
  }

  /** 130 random bits as 26 lower-case base32 characters. */
  static String newCapability() {
    byte[] b = new byte[17];
    RANDOM.nextBytes(b);
    StringBuilder sb = new StringBuilder(26);
    int buffer = 0;
    int bits = 0;
    for (byte x : b) {
      buffer = (buffer << 8) | (x & 0xff);
      bits += 8;
      while (bits >= 5 && sb.length() < 26) {
        sb.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (Volume v : volumes.values()) {
      v.close();
    }
    volumes.clear();
    try {
      jetty.stop();
    } catch (Exception e) {
      // stopping a server that failed: nothing left to release
    }
  }
}
