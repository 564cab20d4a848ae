package io.twinlog.webhook.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.webhook.auth.HmacAuthenticator.Encoding;
import io.twinlog.webhook.auth.HmacAuthenticator.SignedContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotating the mounted secret file: new secret taken up, old one valid for the grace period. */
class SecretSourceTest {
  static final byte[] BODY = "{\"id\":\"e\"}".getBytes(StandardCharsets.UTF_8);

  final AtomicLong now = new AtomicLong(1_767_000_000_000L);
  final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now.get());
        }
      };

  @Test
  void rotationAcceptsTheNewSecretAndTheOldOneForTheGracePeriod(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, "old-secret\n");
    SecretSource source =
        SecretSource.file(file, Duration.ofSeconds(10), Duration.ofMinutes(10), clock);
    HmacAuthenticator auth =
        new HmacAuthenticator(
            source,
            "X-Sig",
            "",
            Encoding.HEX,
            null,
            SignedContent.BODY,
            Duration.ofMinutes(5),
            clock);
    String oldSig = sign("old-secret");
    String newSig = sign("new-secret");
    assertThat(auth.check(headers(oldSig), BODY)).isNull();
    assertThat(auth.check(headers(newSig), BODY)).isEqualTo(AuthFailure.BAD_SIGNATURE);

    Files.writeString(file, "new-secret");
    Files.setLastModifiedTime(file, FileTime.fromMillis(now.get() + 1000));
    // Not looked at again before the check interval.
    assertThat(auth.check(headers(newSig), BODY)).isEqualTo(AuthFailure.BAD_SIGNATURE);
    now.addAndGet(10_000);
    assertThat(auth.check(headers(newSig), BODY)).isNull();
    assertThat(auth.check(headers(oldSig), BODY)).isNull();
    now.addAndGet(Duration.ofMinutes(10).toMillis());
    assertThat(auth.check(headers(oldSig), BODY)).isEqualTo(AuthFailure.BAD_SIGNATURE);
    assertThat(auth.check(headers(newSig), BODY)).isNull();
  }

  @Test
  void aFileThatVanishesMidRotationKeepsTheSecretThatWorks(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "tok-1");
    SecretSource source =
        SecretSource.file(file, Duration.ofSeconds(10), Duration.ofMinutes(10), clock);
    BearerAuthenticator auth = new BearerAuthenticator(source);
    Files.delete(file);
    now.addAndGet(10_000);
    assertThat(auth.check(Map.of("Authorization", "Bearer tok-1")::get, null)).isNull();
    assertThat(auth.check(Map.of("Authorization", "Bearer tok-2")::get, null))
        .isEqualTo(AuthFailure.BAD_TOKEN);
  }

  static String sign(String secret) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(
        new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(BODY));
  }

  static HeaderLookup headers(String signature) {
    return name -> name.equalsIgnoreCase("X-Sig") ? signature : null;
  }
}
