package io.twinlog.operator.validation;

import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import io.twinlog.operator.api.v1alpha1.BinlogRetentionSpec;
import io.twinlog.operator.api.v1alpha1.CredentialsSpec;
import io.twinlog.operator.api.v1alpha1.IncludeSpec;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.api.v1alpha1.SnapshotMode;
import io.twinlog.operator.api.v1alpha1.SourceSpec;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.api.v1alpha1.SourceType;
import java.time.Duration;
import java.util.List;

/** Checks of {@code spec.source}. */
final class SourceRules {
  private SourceRules() {}

  static void check(SourceSpec source, Problems problems) {
    if (!problems.required("spec.source", source)) {
      return;
    }
    problems.required("spec.source.type", source.getType());
    boolean postgres = source.getType() == SourceType.POSTGRESQL;
    include(source.getInclude(), postgres, problems);
    credentials(source.getCredentials(), problems);
    replicas(source.getReplicas(), postgres, problems);
    if (!postgres && source.getPostgresql() != null) {
      problems.add(
          "spec.source.postgresql", "postgresql settings apply to a postgresql source only");
    }
    if (postgres && source.getSnapshot().getMode() == SnapshotMode.RECOVERY) {
      problems.add(
          "spec.source.snapshot.mode",
          "snapshot mode recovery rebuilds a schema history, which PostgreSQL sources have none"
              + " of");
    }
    String leader = source.getSnapshot().getLeader();
    if (leader != null
        && source.getReplicas() != null
        && source.getReplicas().stream().noneMatch(r -> leader.equals(r.getName()))) {
      problems.add(
          "spec.source.snapshot.leader", "the snapshot leader must be one of the replicas");
    }
    tls(source.getTls(), problems);
    retention(source.getBinlogRetention(), problems);
    problems.duration("spec.source.pollInterval", source.getPollInterval(), Duration.ofMillis(1));
  }

  private static void tls(SourceTlsSpec tls, Problems problems) {
    if (tls == null) {
      return;
    }
    problems.required("spec.source.tls.mode", tls.getMode());
    if (tls.getMode() != null && tls.getMode().verifies() && tls.getCaSecretName() == null) {
      problems.add(
          "spec.source.tls.caSecretName",
          "verify-ca and verify-full check the replicas' certificates: set caSecretName");
    }
  }

  private static void include(IncludeSpec include, boolean postgres, Problems problems) {
    String at = "spec.source.include";
    if (!problems.required(at, include)) {
      return;
    }
    List<String> databases = include.getDatabases();
    if (databases.isEmpty() || databases.size() > IncludeSpec.MAX_DATABASES) {
      problems.add(at + ".databases", "must list 1 to " + IncludeSpec.MAX_DATABASES + " databases");
    }
    for (int i = 0; i < databases.size(); i++) {
      String db = databases.get(i);
      if (problems.required(at + ".databases[" + i + "]", db)) {
        problems.string(
            at + ".databases[" + i + "]",
            db,
            ApiPatterns.IDENTIFIER,
            IncludeSpec.MAX_IDENTIFIER_LENGTH,
            "a database name of letters, digits and '_'");
      }
    }
    problems.unique(at + ".databases", databases, d -> d, "");
    if (postgres && databases.size() > 1) {
      problems.add(at + ".databases", "a PostgreSQL source reads one database: list exactly one");
    }

    List<String> tables = include.getTables();
    if (tables.isEmpty() || tables.size() > IncludeSpec.MAX_TABLES) {
      problems.add(at + ".tables", "must list 1 to " + IncludeSpec.MAX_TABLES + " tables");
    }
    for (int i = 0; i < tables.size(); i++) {
      String field = at + ".tables[" + i + "]";
      String table = tables.get(i);
      if (!problems.required(field, table)
          || !problems.string(
              field,
              table,
              ApiPatterns.TABLE,
              2 * IncludeSpec.MAX_IDENTIFIER_LENGTH + 1,
              "'database.table' of letters, digits and '_'")) {
        continue;
      }
      String db = table.substring(0, table.indexOf('.'));
      if (table.indexOf('.') > IncludeSpec.MAX_IDENTIFIER_LENGTH
          || table.length() - db.length() - 1 > IncludeSpec.MAX_IDENTIFIER_LENGTH) {
        problems.add(field, "database and table names must be at most 64 characters each");
      } else if (!postgres && !databases.contains(db)) {
        problems.add(field, "table '" + table + "' is not in an included database " + databases);
      }
    }
    problems.unique(at + ".tables", tables, t -> t, "");
  }

  private static void credentials(CredentialsSpec credentials, Problems problems) {
    String at = "spec.source.credentials";
    if (!problems.required(at, credentials)) {
      return;
    }
    if (problems.required(at + ".secretName", credentials.getSecretName())) {
      problems.string(
          at + ".secretName",
          credentials.getSecretName(),
          ApiPatterns.DNS_SUBDOMAIN,
          253,
          "a Secret name");
    }
    problems.string(
        at + ".usernameKey", credentials.getUsernameKey(), ApiPatterns.SECRET_KEY, 253, "a key");
    problems.string(
        at + ".passwordKey", credentials.getPasswordKey(), ApiPatterns.SECRET_KEY, 253, "a key");
  }

  private static void replicas(List<ReplicaSpec> replicas, boolean postgres, Problems problems) {
    String at = "spec.source.replicas";
    if (replicas.isEmpty() || replicas.size() > SourceSpec.MAX_REPLICAS) {
      problems.add(
          at, "must list 1 to " + SourceSpec.MAX_REPLICAS + " replicas, got " + replicas.size());
    }
    for (int i = 0; i < replicas.size(); i++) {
      String field = at + "[" + i + "]";
      ReplicaSpec replica = replicas.get(i);
      if (!problems.required(field, replica)) {
        continue;
      }
      if (problems.required(field + ".name", replica.getName())) {
        problems.string(
            field + ".name",
            replica.getName(),
            ApiPatterns.DNS_LABEL,
            ReplicaSpec.MAX_NAME_LENGTH,
            "a DNS label (lower-case letters, digits and '-')");
      }
      if (problems.required(field + ".host", replica.getHost())) {
        problems.string(
            field + ".host", replica.getHost(), "^[^\\s:/]+$", 253, "a host name or IP address");
      }
      problems.range(field + ".port", replica.getPort(), 1, 65535);
      if (postgres) {
        if (replica.getServerId() != null) {
          problems.add(field + ".serverId", "PostgreSQL replicas have no serverId");
        }
      } else if (problems.required(field + ".serverId", replica.getServerId())) {
        problems.range(field + ".serverId", replica.getServerId(), 1, ReplicaSpec.MAX_SERVER_ID);
      }
    }
    problems.unique(at, replicas, ReplicaSpec::getName, ".name");
    if (!postgres) {
      problems.unique(at, replicas, ReplicaSpec::getServerId, ".serverId");
    }
  }

  private static void retention(BinlogRetentionSpec retention, Problems problems) {
    String at = "spec.source.binlogRetention";
    problems.duration(at + ".minimum", retention.getMinimum(), Duration.ofMillis(1));
    problems.duration(at + ".checkEvery", retention.getCheckEvery(), Duration.ofSeconds(10));
  }
}
