package ca.eazybackup.e3.s3fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers. A picked port can be taken again before use: callers retry. */
final class FreePorts {
  private FreePorts() {}

  static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** Picks a free port outside [avoidFrom, avoidTo], e.g. ceph's default daemon port range. */
  static int pickOutside(int avoidFrom, int avoidTo) {
    for (int i = 0; i < 100; i++) {
      int port = pick();
      if (port < avoidFrom || port > avoidTo) {
        return port;
      }
    }
    throw new S3FixtureException("no free loopback port outside " + avoidFrom + "-" + avoidTo);
  }

  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
