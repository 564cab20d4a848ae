package io.twinlog.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the connectors and the operator's checks protect their connections to the replicas, in
 * libpq's words (each connector's own spelling is made in {@code SourceTls}).
 */
public enum SourceTlsMode {
  /** Plain TCP. */
  @JsonProperty("disabled")
  DISABLED,
  /** Encrypted; the replica's certificate is not checked (any server can answer). */
  @JsonProperty("required")
  REQUIRED,
  /** Encrypted; the replica's certificate must chain to the CA in {@code caSecretName}. */
  @JsonProperty("verify-ca")
  VERIFY_CA,
  /** As {@link #VERIFY_CA}, and the certificate must name the replica's {@code host}. */
  @JsonProperty("verify-full")
  VERIFY_FULL;

  /**
   * The mode as the type's Debezium connector ({@code database.ssl.mode}, {@code database.sslmode})
   * and JDBC driver spell it: Debezium's MariaDB connector and MariaDB's driver agree, as do
   * Debezium's PostgreSQL connector and pgjdbc; the operator checks MySQL with MariaDB's driver.
   */
  public String spelling(SourceType type) {
    return switch (type) {
      case MARIADB ->
          switch (this) {
            case DISABLED -> "disable";
            case REQUIRED -> "trust";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_FULL -> "verify-full";
          };
      case MYSQL ->
          switch (this) {
            case DISABLED -> "disabled";
            case REQUIRED -> "required";
            case VERIFY_CA -> "verify_ca";
            case VERIFY_FULL -> "verify_identity";
          };
      case POSTGRESQL ->
          switch (this) {
            case DISABLED -> "disable";
            case REQUIRED -> "require";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_FULL -> "verify-full";
          };
    };
  }

  /** True when the replica's certificate is checked against a CA. */
  public boolean verifies() {
    return this == VERIFY_CA || this == VERIFY_FULL;
  }
}
