package io.twinlog.operator.source;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Locale;

/** Turns a failure to connect or query into one finding with a distinct reason. */
public final class FailureFindings {

  private FailureFindings() {}

  /** Classifies {@code failure} by its cause chain and SQL error code. */
  public static FindingReason classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return FindingReason.DNS_FAILURE;
      }
      if (t instanceof javax.net.ssl.SSLException
          || t instanceof java.security.cert.CertificateException
          || t instanceof java.security.cert.CertPathValidatorException) {
        return FindingReason.TLS_FAILED;
      }
      String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      // PostgreSQL: pg_hba.conf has only hostssl lines for the user ("..., no encryption");
      // MariaDB and MySQL: require_secure_transport=ON.
      if (text.contains("no encryption") || text.contains("insecure transport")) {
        return FindingReason.TLS_REQUIRED;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        int code = sql.getErrorCode();
        // 28000 is also PostgreSQL's "no pg_hba.conf entry", 28P01 its wrong password.
        if (code == 1045
            || code == 1698
            || "28000".equals(sql.getSQLState())
            || "28P01".equals(sql.getSQLState())) {
          return FindingReason.AUTHENTICATION_FAILED;
        }
        if (code == 1227 || code == 1142 || code == 1044 || "42501".equals(sql.getSQLState())) {
          return FindingReason.MISSING_GRANTS;
        }
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof SQLTimeoutException) {
        return FindingReason.TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return FindingReason.UNREACHABLE;
      }
    }
    String text = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
    if (text.contains("timed out") || text.contains("timeout")) {
      return FindingReason.TIMEOUT;
    }
    if (text.contains("connection refused") || text.contains("no route to host")) {
      return FindingReason.UNREACHABLE;
    }
    if (text.contains("unknown host") || text.contains("name or service not known")) {
      return FindingReason.DNS_FAILURE;
    }
    return FindingReason.CHECK_FAILED;
  }

  /** The finding for {@code failure} while checking {@code request}. */
  public static Finding of(SourceCheckRequest request, Throwable failure) {
    return of((CheckTarget) request, failure);
  }

  /** The finding for {@code failure} while checking a PostgreSQL server. */
  public static Finding of(PostgresCheckRequest request, Throwable failure) {
    return of((CheckTarget) request, failure);
  }

  private static Finding of(CheckTarget request, Throwable failure) {
    FindingReason reason = classify(failure);
    return new Finding(reason, Severity.ERROR, message(request, reason, detail(failure)));
  }

  /** The finding when the whole check exceeded its deadline. */
  static Finding deadlineExceeded(CheckTarget request, java.time.Duration deadline) {
    return Finding.error(
        FindingReason.TIMEOUT,
        request.replicaName()
            + " at "
            + address(request)
            + " did not finish the check within "
            + SourceRules.human(deadline)
            + " (connect timeout "
            + SourceRules.human(request.connectTimeout())
            + ", read timeout "
            + SourceRules.human(request.readTimeout())
            + "): the server accepts connections but does not answer, is overloaded, or a"
            + " firewall drops packets");
  }

  static String message(CheckTarget request, FindingReason reason, String detail) {
    String r = request.replicaName();
    boolean postgres = request instanceof PostgresCheckRequest;
    return switch (reason) {
      case DNS_FAILURE ->
          r
              + "'s host "
              + request.host()
              + " does not resolve ("
              + detail
              + "): check spec.source.replicas[].host and the cluster DNS";
      case UNREACHABLE ->
          "cannot connect to "
              + r
              + " at "
              + address(request)
              + " ("
              + detail
              + "): check that the server runs and listens there (port, "
              + (postgres ? "listen_addresses" : "bind_address")
              + ", Service, NetworkPolicy, firewall)";
      case AUTHENTICATION_FAILED ->
          r
              + " rejected user "
              + request.user()
              + " ("
              + detail
              + (postgres
                  ? "): check the credentials Secret, and that the server's pg_hba.conf lets the"
                      + " user connect from the operator's address with a password"
                  : "): check the credentials Secret, and that the user exists for the host the"
                      + " operator connects from");
      case MISSING_GRANTS ->
          postgres
              ? "user "
                  + request.user()
                  + " on "
                  + r
                  + " is not allowed to run the checks ("
                  + detail
                  + "); it needs LOGIN, REPLICATION and read access to the catalogs"
              : "user "
                  + request.user()
                  + " on "
                  + r
                  + " is not allowed to run the checks ("
                  + detail
                  + "); Debezium needs "
                  + String.join(", ", Grants.required(Flavor.MARIADB))
                  + " (MySQL: REPLICATION CLIENT instead of BINLOG MONITOR) ON *.*";
      case TIMEOUT ->
          r
              + " at "
              + address(request)
              + " did not answer within the timeout (connect "
              + SourceRules.human(request.connectTimeout())
              + ", read "
              + SourceRules.human(request.readTimeout())
              + "; "
              + detail
              + "): the server is overloaded or hung, or a firewall drops packets";
      case TLS_REQUIRED ->
          r
              + " accepts user "
              + request.user()
              + " only over TLS ("
              + detail
              + "): set spec.source.tls.mode to required, verify-ca or verify-full";
      case TLS_FAILED ->
          "the TLS handshake with "
              + r
              + " at "
              + address(request)
              + " failed ("
              + detail
              + "): check that the CA in spec.source.tls.caSecretName signs the server's"
              + " certificate, that the certificate names the replica's host (verify-full), and"
              + " that the server has TLS enabled";
      default -> "checking " + r + " at " + address(request) + " failed: " + detail;
    };
  }

  private static String address(CheckTarget request) {
    return request.host() + ":" + request.port();
  }

  /** The innermost message, one line, without the password (drivers never print it). */
  static String detail(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer =
        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    String inner = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    String text = failure instanceof SQLException && root != failure ? outer : inner;
    text = text.replaceAll("\\s+", " ").trim();
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
