package io.twinlog.webhook.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.webhook.auth.HmacAuthenticator.Encoding;
import io.twinlog.webhook.auth.HmacAuthenticator.SignedContent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HmacAuthenticatorTest {
  static final long NOW = 1_767_000_000L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
  static final byte[] BODY = "{\"id\":\"e1\"}".getBytes(StandardCharsets.UTF_8);

  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  @Test
  void matchesTheRfc4231Vector() {
    HmacAuthenticator auth = bodyOnly("", Encoding.HEX);
    byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
    assertThat(HexFormat.of().formatHex(auth.sign(null, data)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    String header = "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843";
    assertThat(auth.check(headers("X-Sig", header), data)).isNull();
  }

  @Test
  void prefixAndBase64() {
    HmacAuthenticator auth = bodyOnly("sha256=", Encoding.BASE64);
    String good = "sha256=" + Base64.getEncoder().encodeToString(auth.sign(null, BODY));
    assertThat(auth.check(headers("X-Sig", good), BODY)).isNull();
    assertThat(auth.check(headers("X-Sig", good.substring(7)), BODY))
        .isEqualTo(AuthFailure.BAD_SIGNATURE);
    assertThat(auth.check(headers("X-Sig", "sha256=***"), BODY))
        .isEqualTo(AuthFailure.BAD_SIGNATURE);
    assertThat(auth.check(headers(), BODY)).isEqualTo(AuthFailure.MISSING_SIGNATURE);
  }

  @Test
  void timestampIsSignedAndMustBeInsideTheWindow() {
    HmacAuthenticator auth = timestamped();
    String ts = Long.toString(NOW - 299);
    String sig = HexFormat.of().formatHex(auth.sign(ts, BODY));
    assertThat(auth.check(headers("X-Sig", sig, "X-Ts", ts), BODY)).isNull();
    // Same signature with a moved timestamp: the signature no longer matches.
    assertThat(auth.check(headers("X-Sig", sig, "X-Ts", Long.toString(NOW)), BODY))
        .isEqualTo(AuthFailure.BAD_SIGNATURE);
    String old = Long.toString(NOW - 301);
    String oldSig = HexFormat.of().formatHex(auth.sign(old, BODY));
    assertThat(auth.check(headers("X-Sig", oldSig, "X-Ts", old), BODY))
        .isEqualTo(AuthFailure.REPLAYED_TIMESTAMP);
    String future = Long.toString(NOW + 301);
    assertThat(
            auth.check(
                headers("X-Sig", HexFormat.of().formatHex(auth.sign(future, BODY)), "X-Ts", future),
                BODY))
        .isEqualTo(AuthFailure.REPLAYED_TIMESTAMP);
    assertThat(auth.check(headers("X-Sig", sig), BODY)).isEqualTo(AuthFailure.MISSING_TIMESTAMP);
    assertThat(auth.check(headers("X-Sig", sig, "X-Ts", "yesterday"), BODY))
        .isEqualTo(AuthFailure.MISSING_TIMESTAMP);
    assertThat(auth.check(headers("X-Sig", sig, "X-Ts", Long.toString(Long.MAX_VALUE)), BODY))
        .isEqualTo(AuthFailure.MISSING_TIMESTAMP);
  }

  @Test
  void secretNeverInToString() {
    assertThat(Secret.of("hunter2").toString()).doesNotContain("hunter2");
  }

  static HmacAuthenticator bodyOnly(String prefix, Encoding encoding) {
    return new HmacAuthenticator(
        SecretSource.fixed(Secret.of("Jefe")),
        "X-Sig",
        prefix,
        encoding,
        null,
        SignedContent.BODY,
        Duration.ofMinutes(5),
        CLOCK);
  }

  static HmacAuthenticator timestamped() {
    return new HmacAuthenticator(
        SecretSource.fixed(Secret.of("whsec")),
        "X-Sig",
        "",
        Encoding.HEX,
        "X-Ts",
        SignedContent.TIMESTAMP_DOT_BODY,
        Duration.ofMinutes(5),
        CLOCK);
  }

  static HeaderLookup headers(String... pairs) {
    Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map::get;
  }
}
