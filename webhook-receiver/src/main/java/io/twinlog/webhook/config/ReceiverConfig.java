package io.twinlog.webhook.config;

import static io.twinlog.contracts.WebhookReceiverEnv.ACK_TIMEOUT_MS;
import static io.twinlog.contracts.WebhookReceiverEnv.AUTH_TYPE;
import static io.twinlog.contracts.WebhookReceiverEnv.BOOTSTRAP_SERVERS;
import static io.twinlog.contracts.WebhookReceiverEnv.DEFAULT_MANAGEMENT_PORT;
import static io.twinlog.contracts.WebhookReceiverEnv.DEFAULT_PORT;
import static io.twinlog.contracts.WebhookReceiverEnv.ENTITY_KEY;
import static io.twinlog.contracts.WebhookReceiverEnv.EVENT_ID;
import static io.twinlog.contracts.WebhookReceiverEnv.KAFKA_PASSTHROUGH_PREFIX;
import static io.twinlog.contracts.WebhookReceiverEnv.MANAGEMENT_PORT;
import static io.twinlog.contracts.WebhookReceiverEnv.MAX_BODY_BYTES;
import static io.twinlog.contracts.WebhookReceiverEnv.MAX_IN_FLIGHT;
import static io.twinlog.contracts.WebhookReceiverEnv.NAME;
import static io.twinlog.contracts.WebhookReceiverEnv.PATH;
import static io.twinlog.contracts.WebhookReceiverEnv.PORT;
import static io.twinlog.contracts.WebhookReceiverEnv.PREVIOUS_SECRET_VALID_MS;
import static io.twinlog.contracts.WebhookReceiverEnv.REPLAY_WINDOW_MS;
import static io.twinlog.contracts.WebhookReceiverEnv.SECRET;
import static io.twinlog.contracts.WebhookReceiverEnv.SECRET_FILE;
import static io.twinlog.contracts.WebhookReceiverEnv.SIGNATURE_ENCODING;
import static io.twinlog.contracts.WebhookReceiverEnv.SIGNATURE_HEADER;
import static io.twinlog.contracts.WebhookReceiverEnv.SIGNATURE_PREFIX;
import static io.twinlog.contracts.WebhookReceiverEnv.SIGNED_CONTENT;
import static io.twinlog.contracts.WebhookReceiverEnv.TIMESTAMP_HEADER;
import static io.twinlog.contracts.WebhookReceiverEnv.TOPIC;

import io.twinlog.webhook.auth.Authenticator;
import io.twinlog.webhook.auth.BearerAuthenticator;
import io.twinlog.webhook.auth.ClientCertificateOnly;
import io.twinlog.webhook.auth.HmacAuthenticator;
import io.twinlog.webhook.auth.HmacAuthenticator.Encoding;
import io.twinlog.webhook.auth.HmacAuthenticator.SignedContent;
import io.twinlog.webhook.auth.Secret;
import io.twinlog.webhook.auth.SecretSource;
import io.twinlog.webhook.extract.FieldLocator;
import io.twinlog.webhook.tls.ClientAuth;
import io.twinlog.webhook.tls.ServerTls;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The receiver's validated configuration, read from the environment contract in {@link
 * io.twinlog.contracts.WebhookReceiverEnv}; every key is declared once, with its default and its
 * documentation, in {@link #CONFIG_DEF}.
 */
public final class ReceiverConfig extends AbstractConfig {

  private static final ConfigDef.Validator LOCATOR =
      (name, value) -> {
        try {
          FieldLocator.parse((String) value);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(name, value, e.getMessage());
        }
      };

  private static final ConfigDef.Validator HTTP_PATH =
      (name, value) -> {
        String path = (String) value;
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#")) {
          throw new ConfigException(name, value, "must be an absolute path such as /webhook");
        }
      };

  /** Every key of the contract; webhook-receiver/README.md lists the same. */
  public static final ConfigDef CONFIG_DEF = define();

  private final Map<String, String> kafka;

  private ReceiverConfig(Map<String, String> env) {
    super(CONFIG_DEF, ours(env), false);
    this.kafka = passthrough(env);
    boolean file = !getString(SECRET_FILE).isBlank();
    boolean inline = getPassword(SECRET) != null && !getPassword(SECRET).value().isBlank();
    if (certificateOnly()) {
      if (clientAuth() != ClientAuth.REQUIRED) {
        throw new ConfigException(
            AUTH_TYPE, "certificate", "needs " + TlsConfig.TLS_CLIENT_AUTH + "=required");
      }
      if (file || inline) {
        throw new ConfigException(
            AUTH_TYPE,
            "certificate",
            "uses no secret; unset "
                + SECRET_FILE
                + " and "
                + SECRET
                + ", or use hmac or bearer to require both");
      }
    } else if (file == inline) {
      throw new ConfigException(
          "set exactly one of " + SECRET_FILE + " and " + SECRET + " (the HMAC secret or token)");
    }
    TlsConfig.check(this);
    if (port() == managementPort() && port() != 0) {
      throw new ConfigException(PORT, port(), "must differ from " + MANAGEMENT_PORT);
    }
  }

  /** Reads the process environment. */
  public static ReceiverConfig fromEnvironment() {
    return fromEnv(System.getenv());
  }

  /** Reads environment-style variables; throws {@link ConfigException} naming the first bad key. */
  public static ReceiverConfig fromEnv(Map<String, String> env) {
    return new ReceiverConfig(env);
  }

  private static ConfigDef define() {
    return TlsConfig.define(new ConfigDef())
        .define(
            BOOTSTRAP_SERVERS,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Kafka bootstrap servers, host:port[,host:port].")
        .define(
            NAME,
            Type.STRING,
            "twinlog-webhook",
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            "The receiver's name: the twinlog.source header of every record and the client id.")
        .define(
            TOPIC,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Topic accepted webhooks are written to, keyed by entity.")
        .define(
            PORT,
            Type.INT,
            DEFAULT_PORT,
            Range.between(0, 65535),
            Importance.MEDIUM,
            "Port the webhooks arrive on (0: any free port).")
        .define(PATH, Type.STRING, "/webhook", HTTP_PATH, Importance.MEDIUM, "Path webhooks go to.")
        .define(
            MANAGEMENT_PORT,
            Type.INT,
            DEFAULT_MANAGEMENT_PORT,
            Range.between(0, 65535),
            Importance.LOW,
            "Port of /metrics, /livez and /readyz (0: any free port).")
        .define(
            MAX_BODY_BYTES,
            Type.INT,
            1024 * 1024,
            Range.between(1, 64 * 1024 * 1024),
            Importance.MEDIUM,
            "Largest accepted body in bytes; larger ones get 413.")
        .define(
            AUTH_TYPE,
            Type.STRING,
            "hmac",
            ConfigDef.CaseInsensitiveValidString.in("hmac", "bearer", "certificate"),
            Importance.HIGH,
            "hmac (signature over the body), bearer (Authorization: Bearer <secret>) or"
                + " certificate (the client certificate alone; needs client auth required).")
        .define(
            SECRET_FILE,
            Type.STRING,
            "",
            Importance.HIGH,
            "File holding the HMAC secret or bearer token (a mounted Secret key).")
        .define(
            SECRET,
            Type.PASSWORD,
            null,
            Importance.HIGH,
            "The HMAC secret or bearer token itself. Never logged.")
        .define(
            PREVIOUS_SECRET_VALID_MS,
            Type.LONG,
            600_000L,
            Range.atLeast(0),
            Importance.LOW,
            "After the secret file changes, how long the previous secret stays valid, in ms.")
        .define(
            SIGNATURE_HEADER,
            Type.STRING,
            "X-Signature",
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            "Header carrying the HMAC-SHA256 signature.")
        .define(
            SIGNATURE_PREFIX,
            Type.STRING,
            "",
            Importance.LOW,
            "Text before the signature in its header, e.g. sha256=.")
        .define(
            SIGNATURE_ENCODING,
            Type.STRING,
            "hex",
            ConfigDef.CaseInsensitiveValidString.in("hex", "base64"),
            Importance.LOW,
            "hex or base64.")
        .define(
            TIMESTAMP_HEADER,
            Type.STRING,
            "X-Timestamp",
            Importance.MEDIUM,
            "Header with the signing time in Unix seconds; empty turns the replay check off.")
        .define(
            SIGNED_CONTENT,
            Type.STRING,
            "timestamp.body",
            ConfigDef.CaseInsensitiveValidString.in("timestamp.body", "body"),
            Importance.MEDIUM,
            "What the signature covers: timestamp.body (<timestamp>.<body>) or body.")
        .define(
            REPLAY_WINDOW_MS,
            Type.LONG,
            300_000L,
            Range.atLeast(1000),
            Importance.MEDIUM,
            "Largest distance of the timestamp from the receiver's clock, in ms.")
        .define(
            EVENT_ID,
            Type.STRING,
            "/id",
            LOCATOR,
            Importance.HIGH,
            "Where the event id is: a JSON pointer into the body or header:Name.")
        .define(
            ENTITY_KEY,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            LOCATOR,
            Importance.HIGH,
            "Where the entity key (the record key) is: a JSON pointer or header:Name.")
        .define(
            ACK_TIMEOUT_MS,
            Type.INT,
            10_000,
            Range.between(1000, 120_000),
            Importance.MEDIUM,
            "Longest wait for Kafka's acknowledgement in ms; then 503.")
        .define(
            MAX_IN_FLIGHT,
            Type.INT,
            128,
            Range.between(1, 100_000),
            Importance.LOW,
            "Requests waiting for Kafka at once; one more gets 503.");
  }

  private static Map<String, String> ours(Map<String, String> env) {
    Map<String, String> ours = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (CONFIG_DEF.names().contains(k)) {
            ours.put(k, v);
          }
        });
    return ours;
  }

  private static Map<String, String> passthrough(Map<String, String> env) {
    Map<String, String> kafka = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_PASSTHROUGH_PREFIX)
              && k.length() > KAFKA_PASSTHROUGH_PREFIX.length()) {
            kafka.put(
                k.substring(KAFKA_PASSTHROUGH_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.'),
                v);
          }
        });
    return kafka;
  }

  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS);
  }

  public String name() {
    return getString(NAME);
  }

  public String topic() {
    return getString(TOPIC);
  }

  public int port() {
    return getInt(PORT);
  }

  public String path() {
    return getString(PATH);
  }

  public int managementPort() {
    return getInt(MANAGEMENT_PORT);
  }

  public int maxBodyBytes() {
    return getInt(MAX_BODY_BYTES);
  }

  public FieldLocator eventId() {
    return FieldLocator.parse(getString(EVENT_ID));
  }

  public FieldLocator entityKey() {
    return FieldLocator.parse(getString(ENTITY_KEY));
  }

  public Duration ackTimeout() {
    return Duration.ofMillis(getInt(ACK_TIMEOUT_MS));
  }

  public int maxInFlight() {
    return getInt(MAX_IN_FLIGHT);
  }

  /** Client properties from {@code TWINLOG_KAFKA_*} variables. */
  public Map<String, String> kafka() {
    return kafka;
  }

  /** How often a mounted secret file is looked at again for a rotation. */
  public static final Duration SECRET_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** Whether client certificates are asked for on the webhook port. */
  public ClientAuth clientAuth() {
    return TlsConfig.clientAuth(this);
  }

  private boolean certificateOnly() {
    return "certificate".equalsIgnoreCase(getString(AUTH_TYPE));
  }

  /**
   * HTTPS on the webhook port, reading the PEM files now and again after they change; empty for
   * plain HTTP.
   *
   * @throws ConfigException naming the file that cannot be read or used
   */
  public Optional<ServerTls> serverTls(Clock clock) {
    return TlsConfig.serverTls(this, SECRET_CHECK_INTERVAL, clock);
  }

  /** The configured authenticator, holding the secret it read (file or variable). */
  public Authenticator authenticator(Clock clock) {
    if (certificateOnly()) {
      return new ClientCertificateOnly();
    }
    Password inline = getPassword(SECRET);
    SecretSource secret =
        getString(SECRET_FILE).isBlank()
            ? SecretSource.fixed(Secret.of(inline.value()))
            : SecretSource.file(
                java.nio.file.Path.of(getString(SECRET_FILE)),
                SECRET_CHECK_INTERVAL,
                Duration.ofMillis(getLong(PREVIOUS_SECRET_VALID_MS)),
                clock);
    if ("bearer".equalsIgnoreCase(getString(AUTH_TYPE))) {
      return new BearerAuthenticator(secret);
    }
    String timestampHeader = getString(TIMESTAMP_HEADER).trim();
    return new HmacAuthenticator(
        secret,
        getString(SIGNATURE_HEADER),
        getString(SIGNATURE_PREFIX),
        Encoding.valueOf(getString(SIGNATURE_ENCODING).toUpperCase(Locale.ROOT)),
        timestampHeader.isEmpty() ? null : timestampHeader,
        "body".equalsIgnoreCase(getString(SIGNED_CONTENT))
            ? SignedContent.BODY
            : SignedContent.TIMESTAMP_DOT_BODY,
        Duration.ofMillis(getLong(REPLAY_WINDOW_MS)),
        clock);
  }

  /** One line for the start-up log: no secret, only where it comes from. */
  public String summary() {
    return "topic="
        + topic()
        + " port="
        + port()
        + " path="
        + path()
        + " auth="
        + getString(AUTH_TYPE)
        + " secret="
        + (certificateOnly()
            ? "(none)"
            : getString(SECRET_FILE).isBlank() ? "(variable)" : getString(SECRET_FILE))
        + " eventId="
        + getString(EVENT_ID)
        + " entityKey="
        + getString(ENTITY_KEY)
        + " maxBodyBytes="
        + maxBodyBytes()
        + " ackTimeoutMs="
        + getInt(ACK_TIMEOUT_MS)
        + TlsConfig.summary(this);
  }
}
