package io.twinlog.erp;

import static io.twinlog.erp.DebeziumSamples.key;
import static io.twinlog.erp.DebeziumSamples.record;
import static io.twinlog.erp.DebeziumSamples.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.erp.ErpTestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth2 client credentials against a real HTTP server that plays the authorization server as
 * strictly as a real one: a token stops being accepted after five requests (an expiry the client
 * cannot see coming, as with a clock skew or a server-side revocation), a revoked or spent token
 * gets 401, the client must authenticate with its id and secret. The renewal ahead of {@code
 * expires_in} is {@link OAuth2TokensTest}'s, on a fake clock. Every record is acknowledged once,
 * per key in order, and no 401 is ever taken for the record's fault.
 */
class ErpOAuth2Test {
  private static final String CLIENT_ID = "twinlog-sink";
  private static final String CLIENT_SECRET = "s3cr3t/with+chars";

  private ErpTestServer server;
  private ErpSinkTask task;
  private final Map<String, AtomicInteger> usesLeft = new ConcurrentHashMap<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final List<String> scopes = new ArrayList<>();

  /** The server's verdict per change request: idempotency key and status, in order. */
  private final List<Map.Entry<String, Integer>> answers = new ArrayList<>();

  private RecordingContext context;

  @BeforeEach
  void start() throws Exception {
    server = new ErpTestServer();
    server.behave(this::answer);
  }

  @AfterEach
  void stop() {
    if (task != null) {
      task.stop();
    }
    server.close();
  }

  private Reply answer(ErpTestServer.Request request) {
    if (request.path().equals("/token")) {
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (CLIENT_ID + ":" + "s3cr3t%2Fwith%2Bchars").getBytes(StandardCharsets.UTF_8));
      String form = new String(request.body(), StandardCharsets.UTF_8);
      if (!expected.equals(request.header("Authorization"))
          || !form.startsWith("grant_type=client_credentials")) {
        return Reply.status(401, "{\"error\":\"invalid_client\"}");
      }
      synchronized (scopes) {
        scopes.add(form);
      }
      String token = "token-" + issued.incrementAndGet();
      usesLeft.put(token, new AtomicInteger(5));
      return Reply.status(
          200,
          "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }
    String authorization = request.header("Authorization");
    String token = authorization == null ? "" : authorization.substring("Bearer ".length());
    AtomicInteger left = usesLeft.get(token);
    boolean valid = left != null && left.getAndDecrement() > 0;
    synchronized (answers) {
      answers.add(Map.entry(request.idempotencyKey(), valid ? 200 : 401));
    }
    return valid ? Reply.ok() : Reply.status(401, "{\"error\":\"invalid_token\"}");
  }

  private void startTask(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put("name", "erp-oauth2");
    props.put(ErpSinkConfigKeys.URL, server.url());
    props.put(ErpSinkConfigKeys.AUTH_TYPE, "oauth2");
    props.put(ErpSinkConfigKeys.AUTH_OAUTH2_TOKEN_URL, server.tokenUrl());
    props.put(ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_ID, CLIENT_ID);
    props.put(ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_SECRET, CLIENT_SECRET + "\n");
    props.put(ErpSinkConfigKeys.AUTH_OAUTH2_SCOPE, "cdc.write erp.orders");
    props.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.TIMEOUT_MS, "5000");
    props.putAll(extra);
    task = new ErpSinkTask();
    context = new RecordingContext(true);
    task.initialize(context);
    task.start(props);
  }

  private static SinkRecord change(int id, int seq, long offset) {
    return record(key(id), update(id, "0-1-" + seq, 0, "a", 1), offset, id + "/" + seq);
  }

  @Test
  void tokensAreCachedAndFetchedAgainAfterA401() throws Exception {
    startTask(Map.of());
    long offset = 0;
    for (int round = 1; round <= 6; round++) {
      List<SinkRecord> batch = new ArrayList<>();
      for (int id = 1; id <= 5; id++) {
        batch.add(change(id, round, offset++));
      }
      if (round == 4) {
        usesLeft.clear(); // the authorization server revokes every token
      }
      task.put(batch);
    }

    List<ErpTestServer.Request> changes =
        server.requests().stream().filter(r -> r.path().equals("/api/cdc")).toList();
    // every change acknowledged exactly once, each key in order
    Map<String, Long> acknowledged = new java.util.TreeMap<>();
    List<String> order = new ArrayList<>();
    long refusals = 0;
    synchronized (answers) {
      for (Map.Entry<String, Integer> a : answers) {
        if (a.getValue() == 200) {
          acknowledged.merge(a.getKey(), 1L, Long::sum);
          order.add(a.getKey());
        } else {
          refusals++;
        }
      }
    }
    assertThat(acknowledged).hasSize(30).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
    for (int id = 1; id <= 5; id++) {
      final String prefix = id + "/";
      assertThat(order.stream().filter(k -> k.startsWith(prefix)).toList())
          .containsExactly(prefix + 1, prefix + 2, prefix + 3, prefix + 4, prefix + 5, prefix + 6);
    }
    // the revocation was met with a 401, answered by a new token, not by a dead letter
    assertThat(refusals).as("requests refused with 401").isPositive();
    assertThat(context.reported).isEmpty();
    // cached (not one per request), renewed as they expire across the rounds
    assertThat(issued.get()).as("tokens fetched").isGreaterThanOrEqualTo(3).isLessThan(20);
    assertThat(scopes).allMatch(f -> f.endsWith("&scope=cdc.write+erp.orders"));
    // the ERP only ever saw bearer tokens, never the client's credentials
    assertThat(changes)
        .allSatisfy(r -> assertThat(r.header("Authorization")).startsWith("Bearer token-"));
  }

  @Test
  void aRefusedClientIsRetriedNotDeadLettered() {
    startTask(Map.of(ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_SECRET, "wrong"));
    assertThatThrownBy(() -> task.put(List.of(change(1, 1, 0))))
        .isInstanceOf(RetriableException.class);
    assertThat(server.requests()).allMatch(r -> r.path().equals("/token"));
  }

  @Test
  void aMissingTokenUrlIsAClearConfigurationError() {
    assertThatThrownBy(() -> startTask(Map.of(ErpSinkConfigKeys.AUTH_OAUTH2_TOKEN_URL, "")))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("erp.auth.oauth2.token.url");
  }
}
