package io.twinlog.erp;

import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.erp.ErpSinkConfig.AuthType;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

/** Sends request bodies to the ERP; the credentials live only in a private field. */
final class ErpHttpClient implements AutoCloseable {

  /** A response, or the reason there is none ({@code status == -1}). */
  record Response(int status, String body, long retryAfterMs, String error, long latencyNanos) {
    Outcome outcome() {
      return Outcome.of(status);
    }
  }

  static final int MAX_KEPT_BODY_BYTES = 1024;

  private final HttpClient client;
  private final URI url;
  private final String method;
  private final Map<String, String> extraHeaders;
  private final Duration timeout;
  private final String authorization;
  private final OAuth2Tokens tokens;

  ErpHttpClient(ErpSinkConfig config) {
    this.url = config.url();
    this.method = config.method();
    this.extraHeaders = config.extraHeaders();
    this.timeout = Duration.ofMillis(config.timeoutMs());
    this.authorization = authorization(config);
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout);
    TrustManager[] trust = trust(config);
    KeyManager[] keys =
        TlsContexts.clientKey(text(config.clientCertificate()), text(config.clientKey()));
    if (trust != null || keys != null) {
      builder.sslContext(TlsContexts.context(keys, trust));
    }
    this.client = builder.build();
    this.tokens = config.authType() == AuthType.OAUTH2 ? tokens(config, client, timeout) : null;
    try {
      request("probe", new byte[0], tokens == null ? null : "probe");
    } catch (IllegalArgumentException e) {
      // The JDK's message may quote the header value; ours names the keys only.
      throw new ConnectException(
          "erp.auth.* or erp.headers hold characters an HTTP header cannot carry");
    }
  }

  /** The trust managers the configuration asks for, or null for the JDK's default trust store. */
  private static TrustManager[] trust(ErpSinkConfig config) {
    if (config.caCertificates() != null) {
      if (!config.truststorePath().isEmpty()) {
        throw new ConnectException(
            "set erp.tls.ca.certificates or erp.tls.truststore.path, not both");
      }
      try {
        return TlsContexts.trustingPem(config.caCertificates().value());
      } catch (Exception e) {
        // names the key, never the text
        throw new ConnectException(
            "erp.tls.ca.certificates is not PEM X.509 certificates ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }
    if (config.truststorePath().isEmpty()) {
      return null;
    }
    Password password = config.truststorePassword();
    try {
      return TlsContexts.trusting(
          new File(config.truststorePath()), password == null ? null : password.value());
    } catch (Exception e) {
      // The exception names the file, never the password.
      throw new ConnectException(
          "cannot load trust store "
              + config.truststorePath()
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  private static String text(Password password) {
    return password == null ? null : password.value();
  }

  private static OAuth2Tokens tokens(ErpSinkConfig config, HttpClient client, Duration timeout) {
    URI tokenUrl;
    try {
      tokenUrl = URI.create(config.oauth2TokenUrl());
    } catch (IllegalArgumentException e) {
      tokenUrl = null;
    }
    if (tokenUrl == null
        || !tokenUrl.isAbsolute()
        || !("https".equals(tokenUrl.getScheme()) || "http".equals(tokenUrl.getScheme()))) {
      throw new ConnectException(
          "erp.auth.oauth2.token.url must be an absolute http:// or https:// URL when"
              + " erp.auth.type=oauth2");
    }
    return new OAuth2Tokens(
        client,
        tokenUrl,
        secret(config.oauth2ClientId(), "erp.auth.oauth2.client.id").strip(),
        secret(config.oauth2ClientSecret(), "erp.auth.oauth2.client.secret").strip(),
        config.oauth2Scope(),
        timeout,
        System::currentTimeMillis);
  }

  private static String authorization(ErpSinkConfig config) {
    AuthType type = config.authType();
    return switch (type) {
      case NONE, OAUTH2 -> null;
      // A token read from a Secret file often ends in a newline, which no header may carry.
      case BEARER -> "Bearer " + secret(config.authToken(), "erp.auth.token").strip();
      case BASIC ->
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (config.authUsername() + ":" + secret(config.authPassword(), "password"))
                          .getBytes(StandardCharsets.UTF_8));
    };
  }

  private static String secret(Password password, String what) {
    if (password == null || password.value() == null || password.value().isEmpty()) {
      throw new ConnectException(what + " is required by erp.auth.type");
    }
    return password.value();
  }

  /**
   * Sends one body; never completes exceptionally. With OAuth2, a 401 makes it fetch a new token
   * and send the same request (same idempotency key) once more: an expired or revoked token is not
   * the record's fault, and the key's order is kept because this is still the one attempt.
   */
  CompletableFuture<Response> send(String idempotencyKey, byte[] body) {
    long start = System.nanoTime();
    if (tokens == null) {
      return attempt(idempotencyKey, body, null, start);
    }
    String token;
    try {
      token = tokens.current();
    } catch (OAuth2Tokens.TokenException e) {
      return CompletableFuture.completedFuture(
          new Response(-1, "", -1, e.getMessage(), System.nanoTime() - start));
    }
    return attempt(idempotencyKey, body, token, start)
        .thenCompose(
            response -> {
              if (response.status() != 401) {
                return CompletableFuture.completedFuture(response);
              }
              tokens.refused(token);
              String renewed;
              try {
                renewed = tokens.current();
              } catch (OAuth2Tokens.TokenException e) {
                return CompletableFuture.completedFuture(
                    new Response(-1, "", -1, e.getMessage(), System.nanoTime() - start));
              }
              return attempt(idempotencyKey, body, renewed, start);
            });
  }

  /** Tokens fetched so far (OAuth2), else 0. */
  long tokensFetched() {
    return tokens == null ? 0 : tokens.fetched();
  }

  private CompletableFuture<Response> attempt(
      String idempotencyKey, byte[] body, String token, long start) {
    HttpRequest request = request(idempotencyKey, body, token);
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, error) -> {
              long latency = System.nanoTime() - start;
              if (error != null) {
                return new Response(-1, "", -1, describe(error), latency);
              }
              long retryAfter =
                  Backoff.parseRetryAfterMs(
                      response.headers().firstValue("Retry-After").orElse(null),
                      System.currentTimeMillis());
              return new Response(
                  response.statusCode(), truncate(response.body()), retryAfter, null, latency);
            });
  }

  private HttpRequest request(String idempotencyKey, byte[] body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json")
            .header(ErpSinkConfigKeys.IDEMPOTENCY_HEADER, idempotencyKey);
    extraHeaders.forEach(request::header);
    if (authorization != null) {
      request.header("Authorization", authorization);
    } else if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  static String describe(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return "timeout: " + cause.getMessage();
    }
    // Transport messages name the host and port only; headers never reach them.
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  static String truncate(byte[] body) {
    if (body == null) {
      return "";
    }
    if (body.length <= MAX_KEPT_BODY_BYTES) {
      return new String(body, StandardCharsets.UTF_8);
    }
    return new String(body, 0, MAX_KEPT_BODY_BYTES, StandardCharsets.UTF_8) + "...(truncated)";
  }

  @Override
  public void close() {
    client.shutdownNow();
  }

  @Override
  public String toString() {
    return "ErpHttpClient{" + method + " " + url + "}";
  }
}
