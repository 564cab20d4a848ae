package io.twinlog.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on 127.0.0.1 in front of a server, that can make the network hang instead of
 * refusing: {@link #hang()} stops moving bytes in both directions on every connection, open or new,
 * while every socket stays open, as a partition, a dropped connection behind a load balancer or a
 * half-open connection looks to both ends (silence, no reset). {@link #heal()} moves them again;
 * what was sent meanwhile arrives then, as after a partition. A killed server, by contrast, answers
 * with a reset at once.
 */
public final class TcpProxy implements AutoCloseable {
  private final String upstreamHost;
  private final int upstreamPort;
  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private boolean hung; // guarded by gate
  private volatile boolean closed;

  private TcpProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept-" + port());
    accept.setDaemon(true);
    accept.start();
  }

  /** A proxy forwarding a new local port to {@code upstreamHost:upstreamPort}. */
  public static TcpProxy start(String upstreamHost, int upstreamPort) {
    try {
      return new TcpProxy(upstreamHost, upstreamPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding on every connection, keeping them open; new connections are accepted. */
  public void hang() {
    synchronized (gate) {
      hung = true;
    }
  }

  /** Forwards again. */
  public void heal() {
    synchronized (gate) {
      hung = false;
      gate.notifyAll();
    }
  }

  /** Whether the proxy is hanging. */
  public boolean hung() {
    synchronized (gate) {
      return hung;
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        continue; // closing (the loop ends), or one failed accept
      }
      try {
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, "up");
        pump(upstream, client, "down");
      } catch (IOException e) {
        // The upstream refused (server down): the client sees its connection closed, as it would
        // see a refusal through a real forwarder.
        try {
          client.close();
        } catch (IOException ignored) {
          // already gone
        }
      }
    }
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (from;
                  to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                  // Not reading while hung: the kernel buffers fill and TCP flow control stops
                  // the sender, so neither side sees anything move, nor a reset.
                  awaitFlowing();
                  int n = in.read(buffer);
                  if (n < 0) {
                    return;
                  }
                  awaitFlowing();
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // a side closed, or the proxy is closing: the other side is closed with it
              } finally {
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-proxy-" + direction + "-" + port());
    t.setDaemon(true);
    t.start();
  }

  private void awaitFlowing() throws InterruptedException {
    synchronized (gate) {
      while (hung && !closed) {
        gate.wait();
      }
    }
  }

  /** Closes the listening socket and every connection. */
  @Override
  public void close() {
    closed = true;
    heal();
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    }
  }
}
