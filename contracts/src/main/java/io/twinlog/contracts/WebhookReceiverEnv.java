package io.twinlog.contracts;

/**
 * The webhook receiver's configuration contract: environment variables the operator (or a
 * hand-written Deployment) sets on the receiver container and the receiver reads at start-up. The
 * receiver takes an ERP's webhooks over HTTP and writes each one to a Kafka topic; see
 * docs/concepts/webhooks.md.
 *
 * <p>Every value is a plain string; durations are whole milliseconds. Any variable starting with
 * {@link #KAFKA_PASSTHROUGH_PREFIX} is handed to the Kafka clients with the prefix removed,
 * lower-cased and underscores turned into dots, as for the dedup runtime ({@link
 * DedupRuntimeEnv#KAFKA_PASSTHROUGH_PREFIX}).
 */
public final class WebhookReceiverEnv {
  private WebhookReceiverEnv() {}

  /** Kafka bootstrap servers, {@code host:port[,host:port]}. Required. */
  public static final String BOOTSTRAP_SERVERS = DedupRuntimeEnv.BOOTSTRAP_SERVERS;

  /**
   * The receiver's name; stamped on every record as {@link ChangeHeaders#SOURCE} and used as the
   * Kafka client id. Default {@code twinlog-webhook}.
   */
  public static final String NAME = "TWINLOG_WEBHOOK_NAME";

  /** Topic every accepted webhook is written to, keyed by entity. Required. */
  public static final String TOPIC = "TWINLOG_WEBHOOK_TOPIC";

  /**
   * Port the webhooks arrive on: plain HTTP (TLS ends at the ingress), or HTTPS only when {@link
   * #TLS_CERT_FILE} and {@link #TLS_KEY_FILE} are set. Default 8080.
   */
  public static final String PORT = "TWINLOG_WEBHOOK_PORT";

  /** Path the webhooks are POSTed to. Default {@code /webhook}. */
  public static final String PATH = "TWINLOG_WEBHOOK_PATH";

  /**
   * Port serving {@link #METRICS_PATH}, {@link #LIVENESS_PATH} and {@link #READINESS_PATH}, kept
   * apart from {@link #PORT} so the Service the ERP calls does not expose them. Default 9090.
   */
  public static final String MANAGEMENT_PORT = "TWINLOG_WEBHOOK_MANAGEMENT_PORT";

  /** Largest accepted body in bytes; larger ones get 413 and nothing is written. Default 1 MiB. */
  public static final String MAX_BODY_BYTES = "TWINLOG_WEBHOOK_MAX_BODY_BYTES";

  /**
   * Authentication: {@code hmac} (default), {@code bearer}, or {@code certificate} (the client
   * certificate alone; needs {@link #TLS_CLIENT_AUTH} {@code required}). There is no
   * unauthenticated mode.
   */
  public static final String AUTH_TYPE = "TWINLOG_WEBHOOK_AUTH_TYPE";

  /**
   * Path of a file holding the HMAC secret or the bearer token (a mounted Secret key). Leading and
   * trailing whitespace is ignored. Either this or {@link #SECRET}.
   */
  public static final String SECRET_FILE = "TWINLOG_WEBHOOK_SECRET_FILE";

  /** The HMAC secret or bearer token itself (from a Secret via {@code secretKeyRef}). */
  public static final String SECRET = "TWINLOG_WEBHOOK_SECRET";

  /**
   * After {@link #SECRET_FILE} changes (a rotated Secret; the file is looked at every 10 s), how
   * long the previous secret or token is still accepted, in milliseconds, so the ERP can switch at
   * its own pace. Default 600000 (10 minutes).
   */
  public static final String PREVIOUS_SECRET_VALID_MS = "TWINLOG_WEBHOOK_PREVIOUS_SECRET_VALID_MS";

  /** Header carrying the HMAC-SHA256 signature. Default {@code X-Signature}. */
  public static final String SIGNATURE_HEADER = "TWINLOG_WEBHOOK_SIGNATURE_HEADER";

  /** Text before the signature in its header, e.g. {@code sha256=}. Default empty. */
  public static final String SIGNATURE_PREFIX = "TWINLOG_WEBHOOK_SIGNATURE_PREFIX";

  /** How the signature bytes are written: {@code hex} (default) or {@code base64}. */
  public static final String SIGNATURE_ENCODING = "TWINLOG_WEBHOOK_SIGNATURE_ENCODING";

  /**
   * Header carrying the time the ERP signed the request, in Unix seconds. Default {@code
   * X-Timestamp}; empty turns the replay check off (not recommended).
   */
  public static final String TIMESTAMP_HEADER = "TWINLOG_WEBHOOK_TIMESTAMP_HEADER";

  /**
   * What the signature covers: {@code timestamp.body} (default: the timestamp header's value, a
   * dot, then the body, so the timestamp cannot be changed without the secret) or {@code body}.
   */
  public static final String SIGNED_CONTENT = "TWINLOG_WEBHOOK_SIGNED_CONTENT";

  /**
   * How far the timestamp may be from the receiver's clock, either way, in milliseconds; older or
   * newer requests get 401. Default 300000 (5 minutes).
   */
  public static final String REPLAY_WINDOW_MS = "TWINLOG_WEBHOOK_REPLAY_WINDOW_MS";

  /**
   * Where the event id is: a JSON pointer into the body ({@code /id}) or {@code header:Name}.
   * Default {@code /id}. It becomes the {@link ChangeHeaders#CHANGE_ID} header, which the ERP sink
   * sends to the system as its idempotency key.
   */
  public static final String EVENT_ID = "TWINLOG_WEBHOOK_EVENT_ID";

  /** Where the entity key is (the record key): a JSON pointer or {@code header:Name}. Required. */
  public static final String ENTITY_KEY = "TWINLOG_WEBHOOK_ENTITY_KEY";

  /**
   * Longest wait for Kafka's acknowledgement, in milliseconds (the producer's {@code
   * delivery.timeout.ms} and {@code max.block.ms}); after it the request gets 503. Default 10000.
   */
  public static final String ACK_TIMEOUT_MS = "TWINLOG_WEBHOOK_ACK_TIMEOUT_MS";

  /**
   * Requests waiting for Kafka at once; one more gets 503 at once, which bounds memory to about
   * this many bodies. Default 128.
   */
  public static final String MAX_IN_FLIGHT = "TWINLOG_WEBHOOK_MAX_IN_FLIGHT";

  /**
   * The dedup-by-event-id step (a Kafka Streams application in the same image, main class {@code
   * io.twinlog.webhook.dedup.EventDedup}) reads {@link #TOPIC} and writes each event id once to
   * this topic, within {@link #DEDUP_WINDOW_MS}, exactly once (EOS). Required for that step.
   */
  public static final String DEDUP_OUTPUT_TOPIC = "TWINLOG_WEBHOOK_DEDUP_OUTPUT_TOPIC";

  /** How long the dedup step remembers an event id, in milliseconds. Default 24 h. */
  public static final String DEDUP_WINDOW_MS = "TWINLOG_WEBHOOK_DEDUP_WINDOW_MS";

  /** The dedup step's Kafka Streams application id (consumer group, internal topic prefix). */
  public static final String DEDUP_APPLICATION_ID = DedupRuntimeEnv.APPLICATION_ID;

  /** The dedup step's Kafka Streams state directory. Default {@code /var/lib/twinlog/state}. */
  public static final String DEDUP_STATE_DIR = DedupRuntimeEnv.STATE_DIR;

  /** Default for {@link #DEDUP_WINDOW_MS}: 24 hours. */
  public static final long DEFAULT_DEDUP_WINDOW_MS = 24L * 60 * 60 * 1000;

  /** Prefix of variables passed through to the Kafka producer (security settings and the like). */
  public static final String KAFKA_PASSTHROUGH_PREFIX = DedupRuntimeEnv.KAFKA_PASSTHROUGH_PREFIX;

  /** Server certificate chain (PEM, leaf first) for HTTPS on the webhook port; with the key. */
  public static final String TLS_CERT_FILE = "TWINLOG_WEBHOOK_TLS_CERT_FILE";

  /** The server's private key (unencrypted PKCS#8 PEM); with the certificate. */
  public static final String TLS_KEY_FILE = "TWINLOG_WEBHOOK_TLS_KEY_FILE";

  /** Client certificates: {@code none} (default), {@code optional} or {@code required}. */
  public static final String TLS_CLIENT_AUTH = "TWINLOG_WEBHOOK_TLS_CLIENT_AUTH";

  /** CA bundle (PEM) client certificates are verified against. */
  public static final String TLS_CLIENT_CA_FILE = "TWINLOG_WEBHOOK_TLS_CLIENT_CA_FILE";

  /** Subject DNs, DNS or URI names ({@code ;}-separated) a client certificate needs one of. */
  public static final String TLS_ALLOWED_SUBJECTS = "TWINLOG_WEBHOOK_TLS_ALLOWED_SUBJECTS";

  /** Prefix of {@link #EVENT_ID} / {@link #ENTITY_KEY} values that name a request header. */
  public static final String HEADER_LOCATION_PREFIX = "header:";

  /** Prometheus scrape path on {@link #MANAGEMENT_PORT}. */
  public static final String METRICS_PATH = "/metrics";

  /** Liveness probe path: 200 while the HTTP server and the producer are open. */
  public static final String LIVENESS_PATH = "/livez";

  /**
   * Readiness probe path: 200 once the receiver reached Kafka and found its topic (then also while
   * Kafka is away: every pod answers 503 alike), 503 before that and while it stops.
   */
  public static final String READINESS_PATH = "/readyz";

  /**
   * Room for key, headers and batch framing on top of a body of {@link #MAX_BODY_BYTES}: the
   * receiver's producer and the dedup step's producer allow {@code max.request.size} of the body
   * limit plus this, and the topics need {@code max.message.bytes} of as much.
   */
  public static final int RECORD_OVERHEAD_BYTES = 64 * 1024;

  /** Default for {@link #PORT}. */
  public static final int DEFAULT_PORT = 8080;

  /** Default for {@link #MANAGEMENT_PORT}. */
  public static final int DEFAULT_MANAGEMENT_PORT = 9090;
}
