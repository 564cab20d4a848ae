package io.twinlog.e2e.erp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ErpStandInTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private ErpStandIn erp;

  @BeforeEach
  void start() {
    erp = ErpStandIn.start();
  }

  @AfterEach
  void stop() {
    erp.close();
  }

  private HttpResponse<String> post(String key) throws Exception {
    return http.send(
        HttpRequest.newBuilder(erp.url())
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString("{\"op\":\"c\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void recordsEveryRequestWithItsKeyBodyAndAnswer() throws Exception {
    assertThat(post("k1").statusCode()).isEqualTo(200);
    assertThat(post("k2").statusCode()).isEqualTo(200);

    assertThat(erp.requests())
        .extracting(ErpRequest::idempotencyKey, ErpRequest::body, ErpRequest::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("k1", "{\"op\":\"c\"}", 200),
            org.assertj.core.groups.Tuple.tuple("k2", "{\"op\":\"c\"}", 200));
    assertThat(erp.acceptedCount()).isEqualTo(2);
  }

  @Test
  void answers503WhileUnavailableThen429WithRetryAfterThenRecovers() throws Exception {
    erp.unavailableFor(Duration.ofMinutes(1));
    assertThat(post("k").statusCode()).isEqualTo(503);

    erp.healthy();
    erp.throttle(1, Duration.ofSeconds(3));
    HttpResponse<String> throttled = post("k");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("3");

    assertThat(post("k").statusCode()).isEqualTo(200);
    assertThat(erp.requests()).extracting(ErpRequest::status).containsExactly(503, 429, 200);
  }

  @Test
  void rejectsChosenKeysWith400() throws Exception {
    erp.reject(Set.of("bad"));
    assertThat(post("bad").statusCode()).isEqualTo(400);
    assertThat(post("good").statusCode()).isEqualTo(200);
  }
}
