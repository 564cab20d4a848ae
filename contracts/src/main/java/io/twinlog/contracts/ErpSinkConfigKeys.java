package io.twinlog.contracts;

/**
 * The ERP sink connector's configuration keys: the operator writes them into the sink
 * KafkaConnector, the connector's {@code ConfigDef} declares them with defaults and docs.
 */
public final class ErpSinkConfigKeys {
  private ErpSinkConfigKeys() {}

  /** Fully qualified class name of the sink connector, as Strimzi's {@code spec.class}. */
  public static final String CONNECTOR_CLASS = "io.twinlog.erp.ErpSinkConnector";

  /** Target URL (http or https). */
  public static final String URL = "erp.url";

  /** HTTP method: POST (default), PUT or PATCH. */
  public static final String METHOD = "erp.method";

  /** Extra headers, comma-separated {@code Name:value} pairs. */
  public static final String HEADERS = "erp.headers";

  /** Authentication: {@code none} (default), {@code bearer}, {@code basic} or {@code oauth2}. */
  public static final String AUTH_TYPE = "erp.auth.type";

  /** Bearer token; the operator sets it to a {@code ${secrets:...}} reference. */
  public static final String AUTH_TOKEN = "erp.auth.token";

  /** Basic-auth user name; a {@code ${secrets:...}} reference. */
  public static final String AUTH_USERNAME = "erp.auth.username";

  /** Basic-auth password; a {@code ${secrets:...}} reference. */
  public static final String AUTH_PASSWORD = "erp.auth.password";

  /** OAuth2 client credentials: the authorization server's token endpoint (https URL). */
  public static final String AUTH_OAUTH2_TOKEN_URL = "erp.auth.oauth2.token.url";

  /** OAuth2 client id; a {@code ${secrets:...}} reference. */
  public static final String AUTH_OAUTH2_CLIENT_ID = "erp.auth.oauth2.client.id";

  /** OAuth2 client secret; a {@code ${secrets:...}} reference. */
  public static final String AUTH_OAUTH2_CLIENT_SECRET = "erp.auth.oauth2.client.secret";

  /** OAuth2 scopes, space-separated; empty for none. */
  public static final String AUTH_OAUTH2_SCOPE = "erp.auth.oauth2.scope";

  /** Request timeout in milliseconds. */
  public static final String TIMEOUT_MS = "erp.timeout.ms";

  /** Attempts per record before it is dead-lettered (first attempt included). */
  public static final String RETRY_MAX_ATTEMPTS = "erp.retry.max.attempts";

  /** First retry backoff in milliseconds; doubles per attempt, with jitter. */
  public static final String RETRY_INITIAL_BACKOFF_MS = "erp.retry.initial.backoff.ms";

  /** Upper bound of the retry backoff in milliseconds. */
  public static final String RETRY_MAX_BACKOFF_MS = "erp.retry.max.backoff.ms";

  /** Records per request; 1 sends each change alone, more sends a JSON array. */
  public static final String BATCH_MAX_RECORDS = "erp.batch.max.records";

  /** Upper bound of one batched request body in bytes. */
  public static final String BATCH_MAX_BYTES = "erp.batch.max.bytes";

  /** Body format: {@code change} (default, derived from the Debezium envelope) or {@code raw}. */
  public static final String BODY_FORMAT = "erp.body.format";

  /** Tombstones: {@code skip} (default) or {@code delete} (sent as a delete). */
  public static final String TOMBSTONES = "erp.tombstones";

  /**
   * CA certificates (PEM) the ERP's certificate is verified against, as text: the operator sets a
   * {@code ${secrets:...}} reference, so no file has to be mounted into Connect.
   */
  public static final String TLS_CA_CERTIFICATES = "erp.tls.ca.certificates";

  /**
   * Client certificate chain for mutual TLS to the ERP, PEM X.509, leaf first; the operator sets a
   * {@code ${secrets:namespace/secret:tls.crt}} reference.
   */
  public static final String TLS_CLIENT_CERTIFICATE = "erp.tls.client.certificate";

  /**
   * Private key of {@link #TLS_CLIENT_CERTIFICATE}'s leaf, unencrypted PKCS#8 PEM; the operator
   * sets a {@code ${secrets:namespace/secret:tls.key}} reference.
   */
  public static final String TLS_CLIENT_KEY = "erp.tls.client.key";

  /** Trust store for TLS (PKCS12 or JKS path). */
  public static final String TLS_TRUSTSTORE_PATH = "erp.tls.truststore.path";

  /** Trust store password; a {@code ${secrets:...}} reference. */
  public static final String TLS_TRUSTSTORE_PASSWORD = "erp.tls.truststore.password";

  /**
   * Requests in flight at once per task (different keys only; one key never has two). Default 8.
   */
  public static final String MAX_IN_FLIGHT_REQUESTS = "erp.max.in.flight.requests";

  /** Dead-letter record header: last HTTP status code, or {@code -1} when no response came. */
  public static final String DLQ_HEADER_STATUS = "twinlog.erp.status";

  /** Dead-letter record header: attempts made, as a decimal string. */
  public static final String DLQ_HEADER_ATTEMPTS = "twinlog.erp.attempts";

  /** Dead-letter record header: the last response body, truncated to 1 KiB (UTF-8). */
  public static final String DLQ_HEADER_RESPONSE = "twinlog.erp.response";

  /**
   * Dead-letter record header: the idempotency key the record was (or would have been) sent with.
   */
  public static final String DLQ_HEADER_IDEMPOTENCY_KEY = "twinlog.erp.idempotency.key";

  /** Header carrying the idempotency key on every request. */
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
}
