package io.twinlog.erp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * OAuth2 client credentials (RFC 6749, section 4.4): an access token from the token endpoint,
 * cached until shortly before it expires, fetched again when it expired or the ERP refused it
 * (401). The client authenticates with HTTP basic ({@code client_secret_basic}). The token and the
 * secret live only in private fields; errors name the endpoint and the status, never them.
 */
final class OAuth2Tokens {
  /** A token is renewed this long before it expires, so a request never carries a stale one. */
  static final long EARLY_RENEWAL_MS = 30_000;

  /** Without {@code expires_in}, a token is kept this long. */
  static final long DEFAULT_LIFETIME_MS = 300_000;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient client;
  private final URI tokenUrl;
  private final String clientAuthorization;
  private final String form;
  private final Duration timeout;
  private final LongSupplier clockMs;

  private String token;
  private long renewAtMs;
  private long fetched;

  OAuth2Tokens(
      HttpClient client,
      URI tokenUrl,
      String clientId,
      String clientSecret,
      String scope,
      Duration timeout,
      LongSupplier clockMs) {
    this.client = client;
    this.tokenUrl = tokenUrl;
    this.clientAuthorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (form(clientId) + ":" + form(clientSecret)).getBytes(StandardCharsets.UTF_8));
    this.form = "grant_type=client_credentials" + (scope.isEmpty() ? "" : "&scope=" + form(scope));
    this.timeout = timeout;
    this.clockMs = clockMs;
  }

  /** The current token, fetched first when there is none or it is about to expire. */
  synchronized String current() {
    if (token == null || clockMs.getAsLong() >= renewAtMs) {
      fetch();
    }
    return token;
  }

  /**
   * The ERP refused {@code rejected}: forget it (unless another request already replaced it), so
   * the next {@link #current} fetches a new one.
   */
  synchronized void refused(String rejected) {
    if (rejected != null && rejected.equals(token)) {
      token = null;
    }
  }

  /** How many tokens were fetched (for metrics and tests). */
  synchronized long fetched() {
    return fetched;
  }

  private void fetch() {
    HttpRequest request =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("Authorization", clientAuthorization)
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new TokenException(
          "token endpoint " + tokenUrl + " unreachable: " + ErpHttpClient.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenException("interrupted while asking " + tokenUrl + " for a token");
    }
    if (response.statusCode() != 200) {
      // the body of an error response is the server's (error, error_description), not a token
      throw new TokenException(
          "token endpoint "
              + tokenUrl
              + " answered "
              + response.statusCode()
              + ": "
              + ErpHttpClient.truncate(response.body().getBytes(StandardCharsets.UTF_8)));
    }
    try {
      JsonNode body = MAPPER.readTree(response.body());
      JsonNode accessToken = body.get("access_token");
      if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isEmpty()) {
        throw new TokenException("token endpoint " + tokenUrl + " answered without access_token");
      }
      long lifetimeMs =
          body.hasNonNull("expires_in")
              ? body.get("expires_in").asLong() * 1000
              : DEFAULT_LIFETIME_MS;
      token = accessToken.asText();
      // a short-lived token is renewed at half its life rather than never used
      renewAtMs = clockMs.getAsLong() + Math.max(lifetimeMs / 2, lifetimeMs - EARLY_RENEWAL_MS);
      fetched++;
    } catch (IOException e) {
      throw new TokenException("token endpoint " + tokenUrl + " answered something not JSON");
    }
  }

  private static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** No token could be had; retried like a transport error. */
  static final class TokenException extends RuntimeException {
    TokenException(String message) {
      super(message);
    }
  }
}
