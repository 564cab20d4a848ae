package io.twinlog.operator.api.v1alpha1;

/** Regular expressions shared by the CRD schema ({@code @Pattern}) and the spec validator. */
public final class ApiPatterns {
  private ApiPatterns() {}

  /** A Kubernetes DNS-1123 label: lower-case alphanumerics and '-', starting and ending alnum. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS-1035 label: a DNS-1123 label that starts with a letter (what Service names must be). */
  public static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS-1123 subdomain (names of Secrets, Kafka clusters and the like). */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /**
   * A Go-style duration of whole units: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 48h}, {@code
   * 1h30m}. CEL's {@code duration()} accepts the same strings. Each part's digits are bounded so
   * that no string of at most 32 characters that matches overflows CEL's 64-bit nanoseconds (about
   * 2.5 million hours): at most 99999h, 9999999m, 999999999s or 12 digits of ms per part.
   */
  public static final String DURATION = "^([0-9]{1,5}h|[0-9]{1,12}ms|[0-9]{1,7}m|[0-9]{1,9}s)+$";

  /**
   * The start of a CEL rule on a duration field: a value that is not a duration passes the rule
   * (the schema's pattern already says what is wrong), so the user never also sees CEL's "type
   * conversion error" or an overflow.
   */
  public static final String IF_DURATION = "!self.matches('" + DURATION + "') || ";

  /** An unquoted MySQL/MariaDB identifier as Twinlog accepts it (also valid in a Kafka topic). */
  public static final String IDENTIFIER = "^[A-Za-z0-9_]+$";

  /** A table as {@code database.table}. */
  public static final String TABLE = "^[A-Za-z0-9_]+\\.[A-Za-z0-9_]+$";

  /** Characters Kafka allows in a topic name. */
  public static final String KAFKA_TOPIC = "^[a-zA-Z0-9._-]+$";

  /** An http or https URL. */
  public static final String HTTP_URL = "^https?://[^\\s/$.?#][^\\s]*$";

  /** A key inside a Secret's data. */
  public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

  /** An HTTP header name (RFC 9110 token). */
  public static final String HEADER_NAME = "^[!#$%&*+.^_`|~0-9A-Za-z-]+$";
}
