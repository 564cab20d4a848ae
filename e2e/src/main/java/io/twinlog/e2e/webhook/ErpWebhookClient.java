package io.twinlog.e2e.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TEST CODE standing in for an ERP that calls webhooks: signs each body as the ErpWebhook's default
 * {@code hmac} settings say (HMAC-SHA256 over {@code <unix seconds>.<body>}, hex, in {@code
 * X-Signature}, the time in {@code X-Timestamp}) and, as every ERP does, sends it again until it
 * gets a 2xx: after an error answer, a reset or a timeout, to whichever receiver the Service gives
 * it next.
 */
public final class ErpWebhookClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Duration BACKOFF = Duration.ofMillis(200);

  private final byte[] secret;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicInteger retries = new AtomicInteger();

  public ErpWebhookClient(String secret, Clock clock) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** A signed POST's answer. */
  public int post(URI endpoint, String body) throws IOException, InterruptedException {
    long now = clock.instant().getEpochSecond();
    return post(endpoint, body, now, signature(now + "." + body));
  }

  /** A POST with the given timestamp and signature (a forged or replayed one). */
  public int post(URI endpoint, String body, long timestamp, String signature)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("X-Timestamp", Long.toString(timestamp))
            .header("X-Signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * Posts until a 2xx, each attempt to the endpoint {@code endpoints} gives at that moment (a
   * Service's ready pods), signing each attempt anew; gives up after {@code deadline}.
   */
  public void deliver(Supplier<List<URI>> endpoints, String body, Duration deadline)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      List<URI> ready = endpoints.get();
      if (!ready.isEmpty()) {
        try {
          // kube-proxy picks a ready endpoint at random for each connection
          int status = post(ready.get(ThreadLocalRandom.current().nextInt(ready.size())), body);
          if (status >= 200 && status < 300) {
            return;
          }
        } catch (IOException e) {
          // a reset or a timeout: not taken, so sent again
        }
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("no receiver took " + body + " within " + deadline);
      }
      retries.incrementAndGet();
      Thread.sleep(BACKOFF); // the ERP's retry interval, not a wait for a condition
    }
  }

  /** Attempts after the first that {@link #deliver} made. */
  public int retries() {
    return retries.get();
  }

  /** The hex HMAC-SHA256 of {@code content} with the shared secret. */
  public String signature(String content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
