package io.twinlog.erp;

import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_PASSWORD;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_TOKEN;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_TYPE;
import static io.twinlog.contracts.ErpSinkConfigKeys.AUTH_USERNAME;
import static io.twinlog.contracts.ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS;
import static io.twinlog.contracts.ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_TRUSTSTORE_PASSWORD;
import static io.twinlog.contracts.ErpSinkConfigKeys.TLS_TRUSTSTORE_PATH;

import io.twinlog.contracts.ErpSinkConfigKeys;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Single-key validators for the ConfigDef and the cross-key checks of connector validation. */
final class ErpSinkValidators {
  private ErpSinkValidators() {}

  static final String ERRORS_TOLERANCE = "errors.tolerance";
  static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";

  private static final Set<String> REFUSED_HEADERS =
      Set.of(
          "authorization",
          "content-type",
          "idempotency-key",
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade");

  /** An absolute http(s) URL with a host and no user info. */
  static final ConfigDef.Validator URL =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          String problem = urlProblem(value == null ? null : value.toString());
          if (problem != null) {
            // Never echo the value: a URL with user info would carry a secret.
            throw new ConfigException(name + " " + problem);
          }
        }

        @Override
        public String toString() {
          return "absolute http:// or https:// URL";
        }
      };

  /** Comma-separated Name:value pairs with token names and no refused header. */
  static final ConfigDef.Validator HEADERS =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          try {
            parseHeaders(value == null ? "" : value.toString());
          } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
          }
        }

        @Override
        public String toString() {
          return "Name:value[,Name:value...]";
        }
      };

  static String urlProblem(String value) {
    if (value == null || value.isBlank()) {
      return "is required: the ERP endpoint, e.g. https://erp.internal/api/cdc";
    }
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      return "is not a valid URL (" + e.getReason() + ")";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "must start with http:// or https://";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "must name a host";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not carry credentials; use erp.auth.type with erp.auth.username/password";
    }
    return null;
  }

  static List<String[]> parseHeaders(String value) {
    List<String[]> pairs = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return pairs;
    }
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int colon = part.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "each header must be Name:value; found an entry without a name and colon");
      }
      String name = part.substring(0, colon).trim();
      String headerValue = part.substring(colon + 1).trim();
      if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new IllegalArgumentException("header name '" + name + "' is not a valid token");
      }
      if (REFUSED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "header '" + name + "' is set by the connector and cannot be overridden");
      }
      pairs.add(new String[] {name, headerValue});
    }
    return pairs;
  }

  /**
   * Checks spanning several keys (and Connect's errors.* settings); returns messages by key. Values
   * are raw strings as the user gave them; unknown or missing ones use defaults.
   */
  static Map<String, List<String>> crossKeyProblems(Map<String, String> props) {
    Map<String, List<String>> problems = new LinkedHashMap<>();
    String auth = props.getOrDefault(AUTH_TYPE, "none").trim().toLowerCase(Locale.ROOT);
    if (auth.equals("bearer") && isBlank(props.get(AUTH_TOKEN))) {
      add(problems, AUTH_TOKEN, "is required when " + AUTH_TYPE + "=bearer");
    }
    if (auth.equals("basic")) {
      if (isBlank(props.get(AUTH_USERNAME))) {
        add(problems, AUTH_USERNAME, "is required when " + AUTH_TYPE + "=basic");
      }
      if (isBlank(props.get(AUTH_PASSWORD))) {
        add(problems, AUTH_PASSWORD, "is required when " + AUTH_TYPE + "=basic");
      }
    }
    Long initial = parseLong(props.get(RETRY_INITIAL_BACKOFF_MS));
    Long max = parseLong(props.get(RETRY_MAX_BACKOFF_MS));
    long effectiveInitial = initial == null ? 1_000L : initial;
    long effectiveMax = max == null ? 300_000L : max;
    if (effectiveMax < effectiveInitial) {
      add(
          problems,
          RETRY_MAX_BACKOFF_MS,
          "must be at least " + RETRY_INITIAL_BACKOFF_MS + " (" + effectiveInitial + ")");
    }
    String truststore = props.getOrDefault(TLS_TRUSTSTORE_PATH, "").trim();
    if (!truststore.isEmpty()) {
      File file = new File(truststore);
      if (!file.canRead()) {
        add(problems, TLS_TRUSTSTORE_PATH, "is not a readable file on this worker: " + truststore);
      } else {
        String problem = TlsContexts.loadProblem(file, props.get(TLS_TRUSTSTORE_PASSWORD));
        if (problem != null) {
          add(problems, TLS_TRUSTSTORE_PATH, problem);
        }
      }
    }
    try {
      TlsContexts.clientKey(
          props.get(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE),
          props.get(ErpSinkConfigKeys.TLS_CLIENT_KEY));
    } catch (ConfigException e) {
      // Listed under the certificate: a missing half or a mismatch concerns both keys, and the
      // message names the one at fault.
      problems
          .computeIfAbsent(ErpSinkConfigKeys.TLS_CLIENT_CERTIFICATE, k -> new ArrayList<>())
          .add(e.getMessage());
    }
    String tolerance = props.getOrDefault(ERRORS_TOLERANCE, "none").trim();
    if (tolerance.equalsIgnoreCase("all") && isBlank(props.get(DLQ_TOPIC))) {
      // errors.tolerance=all without a topic would log and drop what the ERP refuses.
      add(
          problems,
          ERRORS_TOLERANCE,
          "=all needs "
              + DLQ_TOPIC
              + " too: without a dead-letter topic, records the ERP refuses would be dropped");
    }
    return problems;
  }

  private static void add(Map<String, List<String>> problems, String key, String message) {
    problems.computeIfAbsent(key, k -> new ArrayList<>()).add(key + " " + message);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static Long parseLong(String value) {
    try {
      return value == null ? null : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
