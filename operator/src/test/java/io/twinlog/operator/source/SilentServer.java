package io.twinlog.operator.source;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts TCP connections and never sends a byte, like a hung database. */
final class SilentServer implements AutoCloseable {
  private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final Thread acceptor =
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    accepted.add(socket.accept());
                  }
                } catch (IOException closed) {
                  // close() ends the loop
                }
              });

  SilentServer() throws IOException {}

  int port() {
    return socket.getLocalPort();
  }

  void hangUp() throws IOException {
    for (Socket s : accepted) {
      s.close();
    }
  }

  @Override
  public void close() throws Exception {
    socket.close();
    acceptor.join();
    hangUp();
  }
}
