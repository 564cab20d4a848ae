package io.twinlog.erp;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.erp.ErpTestServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token cache on a fake clock, against a real HTTP token endpoint. */
class OAuth2TokensTest {
  private ErpTestServer server;
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicLong nowMs = new AtomicLong(1_000_000);
  private volatile long expiresIn = 3600;

  @BeforeEach
  void start() throws Exception {
    server = new ErpTestServer();
    server.behave(
        request ->
            Reply.status(
                200,
                "{\"access_token\":\"t"
                    + issued.incrementAndGet()
                    + "\",\"expires_in\":"
                    + expiresIn
                    + "}"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuth2Tokens tokens() {
    return new OAuth2Tokens(
        HttpClient.newHttpClient(),
        URI.create(server.tokenUrl()),
        "id",
        "secret",
        "",
        Duration.ofSeconds(5),
        nowMs::get);
  }

  @Test
  void aTokenIsKeptUntilThirtySecondsBeforeItExpiresThenRenewed() {
    OAuth2Tokens tokens = tokens();
    assertThat(tokens.current()).isEqualTo("t1");
    nowMs.addAndGet(3_570_000 - 1);
    assertThat(tokens.current()).isEqualTo("t1");
    nowMs.addAndGet(1);
    assertThat(tokens.current()).isEqualTo("t2");
    assertThat(tokens.fetched()).isEqualTo(2);
  }

  @Test
  void aShortLivedTokenIsRenewedAtHalfItsLife() {
    expiresIn = 20;
    OAuth2Tokens tokens = tokens();
    assertThat(tokens.current()).isEqualTo("t1");
    nowMs.addAndGet(9_999);
    assertThat(tokens.current()).isEqualTo("t1");
    nowMs.addAndGet(1);
    assertThat(tokens.current()).isEqualTo("t2");
  }

  @Test
  void aRefusedTokenIsReplacedOnlyOnce() {
    OAuth2Tokens tokens = tokens();
    String first = tokens.current();
    tokens.refused(first);
    String second = tokens.current();
    assertThat(second).isEqualTo("t2");
    // a late refusal of the old token (another request in flight) keeps the new one
    tokens.refused(first);
    assertThat(tokens.current()).isEqualTo("t2");
    assertThat(tokens.fetched()).isEqualTo(2);
  }
}
