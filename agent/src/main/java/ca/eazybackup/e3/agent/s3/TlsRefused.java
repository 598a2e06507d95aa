package ca.eazybackup.e3.agent.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLException;
import org.apache.http.HttpHost;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;

/**
 * The {@code https} socket factory of a client built for a plain {@code http://} endpoint. The
 * SDK's Apache client otherwise builds its TLS factory at build time even when no TLS connection
 * will ever be made: an {@code SSLContext} initialised from the JDK's trust store and the
 * public-suffix list its hostname verifier parses, ~0.1 s of a fresh JVM before the first request
 * (see docs/performance.md, "Start-up of the CLI verbs"). Such a client only connects to its own
 * {@code http://} endpoint; if anything ever asked it for an {@code https} connection it gets an
 * error, never an unencrypted or unverified connection. Clients of {@code https://} endpoints keep
 * the SDK's own TLS factory, unchanged.
 */
final class TlsRefused implements ConnectionSocketFactory {
  private final String endpoint;

  TlsRefused(String endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public Socket createSocket(HttpContext context) throws IOException {
    throw refused();
  }

  @Override
  public Socket connectSocket(
      int connectTimeout,
      Socket sock,
      HttpHost host,
      InetSocketAddress remoteAddress,
      InetSocketAddress localAddress,
      HttpContext context)
      throws IOException {
    throw refused();
  }

  private SSLException refused() {
    return new SSLException(
        "this S3 client was built for the plain http endpoint "
            + endpoint
            + " and makes no TLS connections");
  }
}
