package ca.eazybackup.e3.agent.tray;

import ca.eazybackup.e3.shims.FileProtection;
import ca.eazybackup.e3.shims.ShimException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's end of the tray channel: an HTTP endpoint on the loopback interface only, and a
 * {@code tray-channel.json} beside {@code agent.conf} with its port and a fresh random token,
 * closed to other users (0600; SYSTEM and Administrators on Windows). A request without that token
 * is refused with 401, so another local user - who can reach any loopback port - learns nothing.
 * The file is rewritten at each start, so a stale token from an earlier run stops working.
 */
public final class StatusChannel implements AutoCloseable {
  public static final String FILE = "tray-channel.json";
  private static final Logger LOG = LoggerFactory.getLogger(StatusChannel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Path file;

  private StatusChannel(HttpServer server, Path file) {
    this.server = server;
    this.file = file;
  }

  /** Opens the channel in {@code dir} serving {@code status}. */
  public static StatusChannel open(
      Path dir, Supplier<AgentStatus> status, FileProtection protection) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    byte[] token = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r)));
    server.createContext(
        "/status",
        exchange -> {
          try (exchange) {
            if (!authorized(exchange, token)) {
              send(exchange, 401, Map.of("error", "missing or wrong token"));
            } else if (!exchange.getRequestMethod().equals("GET")) {
              send(exchange, 405, Map.of("error", "GET only"));
            } else {
              send(exchange, 200, status.get());
            }
          } catch (RuntimeException e) {
            LOG.warn("tray.status_failed error={}", e.toString());
          }
        });
    Path file = dir.resolve(FILE);
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    try {
      protection.restrictToAdministrators(tmp); // before the token is in it
    } catch (ShimException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("cannot protect " + tmp + ": " + e.getMessage(), e);
    }
    Files.writeString(
        tmp,
        JSON.writeValueAsString(
            Map.of(
                "port",
                server.getAddress().getPort(),
                "token",
                new String(token, StandardCharsets.US_ASCII))));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    server.start();
    LOG.info("tray.channel_open port={} file={}", server.getAddress().getPort(), file);
    return new StatusChannel(server, file);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("tray.channel_file_left file={} error={}", file, e.toString());
    }
  }

  private static boolean authorized(HttpExchange exchange, byte[] token) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, token);
  }

  private static void send(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "e3-tray-channel");
    t.setDaemon(true);
    return t;
  }
}
