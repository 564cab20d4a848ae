package io.twinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** The proxy in front of a real echo server: forwards, hangs without a reset, heals. */
class TcpProxyTest {

  @Test
  void forwardsThenHangsSilentlyThenDeliversWhatWasSentMeanwhile() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket s = echo.accept()) {
                  s.getInputStream().transferTo(s.getOutputStream());
                } catch (Exception e) {
                  // the test ended
                }
              });
      server.setDaemon(true);
      server.start();
      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        client.setSoTimeout(2_000);
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        out.write('a');
        assertThat(in.read()).isEqualTo('a');

        proxy.hang();
        out.write('b');
        client.setSoTimeout(500);
        assertThatThrownBy(in::read)
            .as("silence, neither an answer nor a reset")
            .isInstanceOf(SocketTimeoutException.class);
        assertThat(client.isClosed()).isFalse();

        proxy.heal();
        client.setSoTimeout(2_000);
        assertThat(in.read()).as("what was sent while hung arrives after").isEqualTo('b');
      }
    }
  }

  @Test
  void aConnectionOpenedWhileHungIsAcceptedAndStaysSilent() throws Exception {
    try (ServerSocket greeter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = TcpProxy.start("127.0.0.1", greeter.getLocalPort())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket s = greeter.accept()) {
                  s.getOutputStream().write('g'); // a server that greets first, as MariaDB does
                  s.getInputStream().read();
                } catch (Exception e) {
                  // the test ended
                }
              });
      server.setDaemon(true);
      server.start();
      proxy.hang();
      try (Socket client = new Socket("127.0.0.1", proxy.port())) {
        client.setSoTimeout(500);
        assertThatThrownBy(() -> client.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
        proxy.heal();
        client.setSoTimeout(2_000);
        assertThat(client.getInputStream().read()).isEqualTo('g');
      }
    }
  }
}
