package io.twinlog.erp;

import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_ID;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_OAUTH2_CLIENT_SECRET;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_OAUTH2_SCOPE;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_OAUTH2_TOKEN_URL;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_PASSWORD;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_TOKEN;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_TYPE;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_USERNAME;
import static io.twinlog.contracts.ErpSinkConfigKeys.BATCH_MAX_BYTES;
import static io.twinlog.contracts.ErpSinkConfigKeys.BATCH_MAX_RECORDS;
import static io.twinlog.contracts.ErpSinkConfigKeys.BODY_FORMAT;
import static io.twinlog.contracts.ErpSinkConfigKeys.HEADERS;
import static io.twinlog.contracts.ErpSinkConfigKeys.MAX_IN_FLIGHT_REQUESTS;
import static io.twinlog.contracts.ErpSinkConfigKeys.METHOD;
import static io.twinlog.contracts.ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS;
import static io.twinlog.contracts.ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS;
import static io.twinlog.contracts.ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS;
import static io.twinlog.contracts.ErpSinkConfigKeys.TIMEOUT_MS;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_CA_CERTIFICATES;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_CLIENT_KEY;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_TRUSTSTORE_PASSWORD;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_TRUSTSTORE_PATH;
import static io.twinlog.contracts.ErpSinkConfigKeys.TOMBSTONES;
import static io.twinlog.contracts.ErpSinkConfigKeys.URL;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/** The ERP sink's configuration: its {@link ConfigDef} and the parsed, typed values. */
public final class ErpSinkConfig extends AbstractConfig {

  /** Body formats (see docs/concepts/delivery.md). */
  public enum BodyFormat {
    CHANGE,
    RAW
  }

  /** What to do with a tombstone (null value). */
  public enum TombstoneMode {
    SKIP,
    DELETE
  }

  /** Authentication schemes. */
  public enum AuthType {
    NONE,
    BEARER,
    BASIC,
    OAUTH2
  }

  static final String GROUP_HTTP = "HTTP";
  static final String GROUP_AUTH = "Authentication and TLS";
  static final String GROUP_DELIVERY = "Delivery";

  /** The definition Connect validates against; every key documented, with its default. */
  public static final ConfigDef CONFIG_DEF = define();

  private static ConfigDef define() {
    int http = 0;
    int auth = 0;
    int delivery = 0;
    return new ConfigDef()
        .define(
            URL,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            ErpSinkValidators.URL,
            Importance.HIGH,
            "The ERP endpoint, an absolute http:// or https:// URL without credentials in it"
                + " (use erp.auth.*).",
            GROUP_HTTP,
            ++http,
            ConfigDef.Width.LONG,
            "ERP URL")
        .define(
            METHOD,
            Type.STRING,
            "POST",
            ConfigDef.CaseInsensitiveValidString.in("POST", "PUT", "PATCH"),
            Importance.MEDIUM,
            "HTTP method of every request: POST, PUT or PATCH.",
            GROUP_HTTP,
            ++http,
            ConfigDef.Width.SHORT,
            "Method")
        .define(
            HEADERS,
            Type.STRING,
            "",
            ErpSinkValidators.HEADERS,
            Importance.LOW,
            "Extra request headers, comma-separated Name:value pairs (values must not contain"
                + " commas). Authorization, Content-Type, Idempotency-Key and the headers the JDK"
                + " client manages (Host, Connection, Content-Length, Expect, Upgrade) are refused.",
            GROUP_HTTP,
            ++http,
            ConfigDef.Width.LONG,
            "Extra headers")
        .define(
            TIMEOUT_MS,
            Type.LONG,
            30_000L,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Connect and request timeout in milliseconds. A request that times out is retried.",
            GROUP_HTTP,
            ++http,
            ConfigDef.Width.SHORT,
            "Timeout (ms)")
        .define(
            AUTH_TYPE,
            Type.STRING,
            "none",
            ConfigDef.CaseInsensitiveValidString.in("none", "bearer", "basic", "oauth2"),
            Importance.HIGH,
            "Authentication: none, bearer (Authorization: Bearer erp.auth.token), basic"
                + " (erp.auth.username and erp.auth.password) or oauth2 (client credentials:"
                + " a token from erp.auth.oauth2.token.url, cached until shortly before it expires"
                + " and fetched again when the ERP answers 401).",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.SHORT,
            "Auth type")
        .define(
            AUTH_TOKEN,
            Type.PASSWORD,
            null,
            Importance.HIGH,
            "Bearer token, usually a ${secrets:namespace/secret:key} reference. Required when"
                + " erp.auth.type=bearer. Never logged.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.MEDIUM,
            "Bearer token")
        .define(
            AUTH_USERNAME,
            Type.STRING,
            null,
            Importance.HIGH,
            "Basic-auth user name. Required when erp.auth.type=basic.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.MEDIUM,
            "User name")
        .define(
            AUTH_PASSWORD,
            Type.PASSWORD,
            null,
            Importance.HIGH,
            "Basic-auth password, usually a ${secrets:...} reference. Required when"
                + " erp.auth.type=basic. Never logged.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.MEDIUM,
            "Password")
        .define(
            AUTH_OAUTH2_TOKEN_URL,
            Type.STRING,
            "",
            Importance.HIGH,
            "OAuth2 token endpoint (absolute http:// or https:// URL). Required when"
                + " erp.auth.type=oauth2. Verified with the same trust store as the ERP.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.LONG,
            "OAuth2 token URL")
        .define(
            AUTH_OAUTH2_CLIENT_ID,
            Type.PASSWORD,
            null,
            Importance.HIGH,
            "OAuth2 client id, usually a ${secrets:...} reference. Required when"
                + " erp.auth.type=oauth2. Never logged.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.MEDIUM,
            "OAuth2 client id")
        .define(
            AUTH_OAUTH2_CLIENT_SECRET,
            Type.PASSWORD,
            null,
            Importance.HIGH,
            "OAuth2 client secret, usually a ${secrets:...} reference; sent with HTTP basic"
                + " authentication to the token endpoint. Required when erp.auth.type=oauth2."
                + " Never logged.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.MEDIUM,
            "OAuth2 client secret")
        .define(
            AUTH_OAUTH2_SCOPE,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "OAuth2 scopes to ask for, space-separated. Empty: none.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.MEDIUM,
            "OAuth2 scope")
        .define(
            TLS_CA_CERTIFICATES,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "CA certificates in PEM the ERP's certificate is verified against, usually a"
                + " ${secrets:namespace/secret:ca.crt} reference (no file to mount). Empty: the"
                + " trust store below, else the JDK's default. Not both.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.LONG,
            "CA certificates (PEM)")
        .define(
            TLS_TRUSTSTORE_PATH,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Trust store (PKCS12 or JKS, detected from the file) used to verify the ERP's"
                + " certificate. Empty: the JDK's default trust store.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.LONG,
            "Trust store")
        .define(
            TLS_TRUSTSTORE_PASSWORD,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "Trust store password, usually a ${secrets:...} reference. Never logged.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.MEDIUM,
            "Trust store password")
        .define(
            TLS_CLIENT_CERTIFICATE,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "Client certificate chain in PEM (the leaf first, then its intermediates) presented"
                + " when the ERP asks for one (mutual TLS), usually a"
                + " ${secrets:namespace/secret:tls.crt} reference. Together with"
                + " erp.tls.client.key, or neither.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.LONG,
            "Client certificate (PEM)")
        .define(
            TLS_CLIENT_KEY,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "Private key of the client certificate, unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY;"
                + " convert others with openssl pkcs8 -topk8 -nocrypt), usually a"
                + " ${secrets:namespace/secret:tls.key} reference. Checked against the certificate"
                + " at start. Never logged.",
            GROUP_AUTH,
            ++auth,
            ConfigDef.Width.LONG,
            "Client key (PEM)")
        .define(
            BODY_FORMAT,
            Type.STRING,
            "change",
            ConfigDef.CaseInsensitiveValidString.in("change", "raw"),
            Importance.MEDIUM,
            "change: a JSON object derived from the Debezium envelope (table, op, key, before,"
                + " after, sourceTsMs, transactionId, changeId); raw: the record value as it is.",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "Body format")
        .define(
            TOMBSTONES,
            Type.STRING,
            "skip",
            ConfigDef.CaseInsensitiveValidString.in("skip", "delete"),
            Importance.MEDIUM,
            "Records with a null value: skip them, or send them as a delete (op d, no before or"
                + " after).",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "Tombstones")
        .define(
            BATCH_MAX_RECORDS,
            Type.INT,
            1,
            Range.between(1, 10_000),
            Importance.MEDIUM,
            "Records per request. 1 sends each change as one JSON object; more sends a JSON"
                + " array (always an array, even of one), holding at most one record per key.",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "Batch records")
        .define(
            BATCH_MAX_BYTES,
            Type.INT,
            1_048_576,
            Range.atLeast(1024),
            Importance.LOW,
            "Upper bound of a batched request body in bytes; a single larger record is still"
                + " sent alone.",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "Batch bytes")
        .define(
            MAX_IN_FLIGHT_REQUESTS,
            Type.INT,
            8,
            Range.between(1, 256),
            Importance.LOW,
            "Requests a task has in flight at once. They always carry different keys.",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "In-flight requests")
        .define(
            RETRY_MAX_ATTEMPTS,
            Type.INT,
            12,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Attempts per record, the first included, before it goes to the dead-letter topic."
                + " Retried: 5xx, 408, 429, timeouts and connection errors.",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "Max attempts")
        .define(
            RETRY_INITIAL_BACKOFF_MS,
            Type.LONG,
            1_000L,
            Range.atLeast(0),
            Importance.MEDIUM,
            "Backoff before the first retry in milliseconds; doubles per attempt. Each wait is"
                + " drawn uniformly from [backoff/2, backoff].",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "Initial backoff (ms)")
        .define(
            RETRY_MAX_BACKOFF_MS,
            Type.LONG,
            300_000L,
            Range.atLeast(0),
            Importance.MEDIUM,
            "Upper bound of one backoff in milliseconds, Retry-After included.",
            GROUP_DELIVERY,
            ++delivery,
            ConfigDef.Width.SHORT,
            "Max backoff (ms)");
  }

  public ErpSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props, false);
  }

  public URI url() {
    return URI.create(getString(URL).trim());
  }

  public String method() {
    return getString(METHOD).toUpperCase(Locale.ROOT);
  }

  /** Extra headers in configuration order. */
  public Map<String, String> extraHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String[] pair : ErpSinkValidators.parseHeaders(getString(HEADERS))) {
      headers.put(pair[0], pair[1]);
    }
    return headers;
  }

  public long timeoutMs() {
    return getLong(TIMEOUT_MS);
  }

  public AuthType authType() {
    return AuthType.valueOf(getString(AUTH_TYPE).toUpperCase(Locale.ROOT));
  }

  /** The secret values stay wrapped in {@link Password} until the request is built. */
  public Password authToken() {
    return getPassword(AUTH_TOKEN);
  }

  public String authUsername() {
    return getString(AUTH_USERNAME);
  }

  public Password authPassword() {
    return getPassword(AUTH_PASSWORD);
  }

  public String oauth2TokenUrl() {
    return getString(AUTH_OAUTH2_TOKEN_URL).trim();
  }

  public Password oauth2ClientId() {
    return getPassword(AUTH_OAUTH2_CLIENT_ID);
  }

  public Password oauth2ClientSecret() {
    return getPassword(AUTH_OAUTH2_CLIENT_SECRET);
  }

  public String oauth2Scope() {
    return getString(AUTH_OAUTH2_SCOPE).trim();
  }

  /** The PEM CA certificates, or null; a Password so that the text is never logged in full. */
  public Password caCertificates() {
    return nonBlank(getPassword(TLS_CA_CERTIFICATES));
  }

  public String truststorePath() {
    return getString(TLS_TRUSTSTORE_PATH).trim();
  }

  public Password truststorePassword() {
    return getPassword(TLS_TRUSTSTORE_PASSWORD);
  }

  /** The PEM client certificate chain, or null; a Password like the CA certificates. */
  public Password clientCertificate() {
    return nonBlank(getPassword(TLS_CLIENT_CERTIFICATE));
  }

  /** The PEM client key, or null; it stays wrapped until the key manager is built. */
  public Password clientKey() {
    return nonBlank(getPassword(TLS_CLIENT_KEY));
  }

  private static Password nonBlank(Password password) {
    return password == null || password.value() == null || password.value().isBlank()
        ? null
        : password;
  }

  public BodyFormat bodyFormat() {
    return BodyFormat.valueOf(getString(BODY_FORMAT).toUpperCase(Locale.ROOT));
  }

  public TombstoneMode tombstones() {
    return TombstoneMode.valueOf(getString(TOMBSTONES).toUpperCase(Locale.ROOT));
  }

  public int batchMaxRecords() {
    return getInt(BATCH_MAX_RECORDS);
  }

  public int batchMaxBytes() {
    return getInt(BATCH_MAX_BYTES);
  }

  public int maxInFlightRequests() {
    return getInt(MAX_IN_FLIGHT_REQUESTS);
  }

  public int retryMaxAttempts() {
    return getInt(RETRY_MAX_ATTEMPTS);
  }

  public Backoff backoff() {
    return new Backoff(getLong(RETRY_INITIAL_BACKOFF_MS), getLong(RETRY_MAX_BACKOFF_MS));
  }

  /** Keys in definition order, for documentation checks. */
  static List<String> keys() {
    return List.copyOf(CONFIG_DEF.configKeys().keySet());
  }

  @Override
  public String toString() {
    // AbstractConfig prints Password values as [hidden]; say so explicitly for readers.
    return "ErpSinkConfig{url=" + getString(URL) + ", auth=" + getString(AUTH_TYPE) + "}";
  }
}
