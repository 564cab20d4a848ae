package io.twinlog.erp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/** A real HTTP server on 127.0.0.1 standing in for the ERP; tests decide how it answers. */
final class ErpTestServer implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    // Without it the JDK server's separate header and body writes meet the client's delayed
    // ACK, and every keep-alive request waits ~40 ms (Nagle): the test would measure that.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** One request as received; {@code clientSubject} is the TLS client certificate's, or null. */
  record Request(
      String path,
      String method,
      String idempotencyKey,
      Map<String, List<String>> headers,
      byte[] body,
      List<JsonNode> elements,
      long receivedAtNanos,
      String clientSubject) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /** How to answer; {@code delayMs} holds the answer back (a slow ERP). */
  record Reply(int status, String body, String retryAfter, long delayMs) {
    static Reply ok() {
      return new Reply(200, "{\"ok\":true}", null, 0);
    }

    static Reply status(int status, String body) {
      return new Reply(status, body, null, 0);
    }
  }

  private final HttpServer server;
  private final String scheme;
  private final ExecutorService executor = Executors.newFixedThreadPool(32);
  private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
  private volatile Function<Request, Reply> behaviour = request -> Reply.ok();

  ErpTestServer() throws IOException {
    this(null);
  }

  /** With an SSL context, an HTTPS server presenting that context's key. */
  ErpTestServer(SSLContext tls) throws IOException {
    this(tls, false);
  }

  /**
   * With {@code needClientAuth}, the server refuses a handshake without a client certificate its
   * SSL context's trust managers accept (mutual TLS).
   */
  ErpTestServer(SSLContext tls, boolean needClientAuth) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(address, 128);
    } else {
      HttpsServer https = HttpsServer.create(address, 128);
      https.setHttpsConfigurator(
          new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
              SSLParameters ssl = tls.getDefaultSSLParameters();
              ssl.setNeedClientAuth(needClientAuth);
              parameters.setSSLParameters(ssl);
            }
          });
      server = https;
    }
    scheme = tls == null ? "http" : "https";
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return base() + "/api/cdc";
  }

  /** The same server's {@code /token}, for tests that play the authorization server too. */
  String tokenUrl() {
    return base() + "/token";
  }

  private String base() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  void behave(Function<Request, Reply> behaviour) {
    this.behaviour = behaviour;
  }

  List<Request> requests() {
    return new ArrayList<>(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      List<JsonNode> elements = new ArrayList<>();
      JsonNode tree;
      try {
        tree = MAPPER.readTree(body);
      } catch (IOException notJson) {
        tree = null; // a form (an OAuth2 token request), not a change
      }
      if (tree != null && tree.isArray()) {
        tree.forEach(elements::add);
      } else if (tree != null) {
        elements.add(tree);
      }
      Request request =
          new Request(
              exchange.getRequestURI().getPath(),
              exchange.getRequestMethod(),
              exchange.getRequestHeaders().getFirst("Idempotency-Key"),
              Map.copyOf(exchange.getRequestHeaders()),
              body,
              elements,
              System.nanoTime(),
              clientSubject(exchange));
      requests.add(request);
      Reply reply = behaviour.apply(request);
      if (reply.delayMs() > 0) {
        try {
          // Simulates an ERP that answers late; the client gives up before this ends.
          TimeUnit.MILLISECONDS.sleep(reply.delayMs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (reply.retryAfter() != null) {
        exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
      }
      byte[] out =
          reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (IOException e) {
      // The client hung up (it timed out): nothing to answer.
    }
  }

  private static String clientSubject(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https)) {
      return null;
    }
    try {
      return https.getSSLSession().getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      return null; // no client certificate was asked for or given
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
