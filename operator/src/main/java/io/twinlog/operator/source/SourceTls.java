package io.twinlog.operator.source;

import io.twinlog.operator.api.v1alpha1.SourceTlsMode;
import io.twinlog.operator.api.v1alpha1.SourceType;
import java.util.Properties;

/**
 * How the operator's checks reach a replica: {@code spec.source.tls} with the CA's PEM read from
 * its Secret, so no trust store file is written. The connectors get the same mode ({@code
 * SourceConnectors}), so a check passes exactly when the connector can connect.
 *
 * @param mode the spec's mode, or null when the spec has no {@code tls} (each driver's default)
 * @param caPem the CA certificate (PEM) for verify-ca and verify-full, else null
 */
public record SourceTls(SourceTlsMode mode, String caPem) {

  /** No {@code spec.source.tls}: the driver's default. */
  public static final SourceTls DEFAULT = new SourceTls(null, null);

  /** pgjdbc's factory that trusts one certificate given as text (or a file, env, ...). */
  public static final String PGJDBC_SINGLE_CERT_FACTORY =
      "org.postgresql.ssl.SingleCertValidatingFactory";

  /** MariaDB Connector/J's properties (the operator checks MySQL with it too). */
  void applyMariaDb(Properties props) {
    if (mode == null) {
      return;
    }
    props.setProperty("sslMode", mode.spelling(SourceType.MARIADB));
    if (mode.verifies() && caPem != null) {
      // Connector/J takes the certificate itself as well as a path.
      props.setProperty("serverSslCert", caPem);
    }
  }

  /** pgjdbc's properties. */
  void applyPostgres(Properties props) {
    if (mode == null) {
      return;
    }
    props.setProperty("sslmode", mode.spelling(SourceType.POSTGRESQL));
    if (mode.verifies() && caPem != null) {
      props.setProperty("sslfactory", PGJDBC_SINGLE_CERT_FACTORY);
      props.setProperty("sslfactoryarg", caPem);
    }
  }

  /**
   * True when the spec asks for no TLS: none, or mode disabled. Connections are then plain, except
   * that pgjdbc's default ({@code sslmode=prefer}) encrypts when the server offers TLS.
   */
  boolean plain() {
    return mode == null || mode == SourceTlsMode.DISABLED;
  }

  @Override
  public String toString() {
    return "SourceTls[mode=" + mode + ", ca=" + (caPem == null ? "none" : "PEM") + "]";
  }
}
