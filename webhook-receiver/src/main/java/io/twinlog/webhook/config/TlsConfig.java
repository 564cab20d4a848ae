package io.twinlog.webhook.config;

import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.webhook.tls.AllowedSubjects;
import io.twinlog.webhook.tls.ClientAuth;
import io.twinlog.webhook.tls.ServerTls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The receiver's TLS keys (HTTPS on the webhook port and client certificates): declared into {@link
 * ReceiverConfig#CONFIG_DEF}, checked together, turned into a {@link ServerTls}.
 */
public final class TlsConfig {
  // The keys live with the receiver's others, in contracts.
  public static final String TLS_CERT_FILE = WebhookReceiverEnv.TLS_CERT_FILE;
  public static final String TLS_KEY_FILE = WebhookReceiverEnv.TLS_KEY_FILE;
  public static final String TLS_CLIENT_AUTH = WebhookReceiverEnv.TLS_CLIENT_AUTH;
  public static final String TLS_CLIENT_CA_FILE = WebhookReceiverEnv.TLS_CLIENT_CA_FILE;
  public static final String TLS_ALLOWED_SUBJECTS = WebhookReceiverEnv.TLS_ALLOWED_SUBJECTS;

  private static final ConfigDef.Validator SUBJECTS =
      (name, value) -> {
        try {
          AllowedSubjects.parse((String) value);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(name, value, e.getMessage());
        }
      };

  private TlsConfig() {}

  static ConfigDef define(ConfigDef def) {
    return def.define(
            TLS_CERT_FILE,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Server certificate chain (PEM); set with the key, the webhook port serves HTTPS.")
        .define(
            TLS_KEY_FILE,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Server private key (unencrypted PKCS#8 PEM). Never logged.")
        .define(
            TLS_CLIENT_AUTH,
            Type.STRING,
            "none",
            ConfigDef.CaseInsensitiveValidString.in("none", "optional", "required"),
            Importance.MEDIUM,
            "Client certificates: none, optional (verified when sent) or required (handshake).")
        .define(
            TLS_CLIENT_CA_FILE,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "CA bundle (PEM) client certificates are verified against.")
        .define(
            TLS_ALLOWED_SUBJECTS,
            Type.STRING,
            "",
            SUBJECTS,
            Importance.MEDIUM,
            "Subject DNs, DNS or URI names (;-separated) a client certificate needs one of.");
  }

  /** The rules between the keys; a file's content is checked by {@link #serverTls}. */
  static void check(AbstractConfig config) {
    boolean cert = !config.getString(TLS_CERT_FILE).isBlank();
    boolean key = !config.getString(TLS_KEY_FILE).isBlank();
    if (cert != key) {
      throw new ConfigException(
          "set both " + TLS_CERT_FILE + " and " + TLS_KEY_FILE + " (HTTPS), or neither (HTTP)");
    }
    boolean ca = !config.getString(TLS_CLIENT_CA_FILE).isBlank();
    boolean subjects = !allowedSubjects(config).allowsAny();
    ClientAuth clientAuth = clientAuth(config);
    if (clientAuth == ClientAuth.NONE) {
      if (ca || subjects) {
        throw new ConfigException(
            TLS_CLIENT_AUTH,
            "none",
            "client certificates are not asked for, but "
                + (ca ? TLS_CLIENT_CA_FILE : TLS_ALLOWED_SUBJECTS)
                + " is set; set optional or required");
      }
      return;
    }
    String mode = clientAuth.name().toLowerCase(Locale.ROOT);
    if (!cert) {
      throw new ConfigException(
          TLS_CLIENT_AUTH,
          mode,
          "needs HTTPS on the webhook port: set " + TLS_CERT_FILE + " and " + TLS_KEY_FILE);
    }
    if (!ca) {
      throw new ConfigException(
          TLS_CLIENT_AUTH,
          mode,
          "needs " + TLS_CLIENT_CA_FILE + ", the CA client certificates are verified against");
    }
  }

  static ClientAuth clientAuth(AbstractConfig config) {
    return ClientAuth.parse(config.getString(TLS_CLIENT_AUTH));
  }

  static Optional<ServerTls> serverTls(AbstractConfig config, Duration checkEvery, Clock clock) {
    if (config.getString(TLS_CERT_FILE).isBlank()) {
      return Optional.empty();
    }
    ClientAuth mode = clientAuth(config);
    var settings =
        new ServerTls.Settings(
            Path.of(config.getString(TLS_CERT_FILE)),
            Path.of(config.getString(TLS_KEY_FILE)),
            mode,
            mode == ClientAuth.NONE ? null : Path.of(config.getString(TLS_CLIENT_CA_FILE)),
            allowedSubjects(config));
    try {
      return Optional.of(ServerTls.open(settings, checkEvery, clock));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("webhook TLS: " + e.getMessage());
    }
  }

  /** The start-up log's part: files and mode, never content. */
  static String summary(AbstractConfig config) {
    if (config.getString(TLS_CERT_FILE).isBlank()) {
      return " tls=off";
    }
    String summary =
        " tls="
            + config.getString(TLS_CERT_FILE)
            + " clientAuth="
            + config.getString(TLS_CLIENT_AUTH);
    if (clientAuth(config) != ClientAuth.NONE) {
      summary +=
          " clientCa="
              + config.getString(TLS_CLIENT_CA_FILE)
              + " allowedSubjects="
              + allowedSubjects(config).size();
    }
    return summary;
  }

  private static AllowedSubjects allowedSubjects(AbstractConfig config) {
    return AllowedSubjects.parse(config.getString(TLS_ALLOWED_SUBJECTS));
  }
}
