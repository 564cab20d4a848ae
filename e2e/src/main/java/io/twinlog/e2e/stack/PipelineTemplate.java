package io.twinlog.e2e.stack;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.testkit.MariaDbServer;
import io.twinlog.testkit.PostgresServer;
import java.net.URI;
import java.util.List;

/**
 * A CdcPipeline for this machine: the same shape as {@code samples/}'s, with the addresses of the
 * local stack. Every field the CRD would default is written out, because the mock API server does
 * not apply schema defaults (a real one does).
 *
 * @param namespace the pipeline's namespace (one per scenario)
 * @param name the pipeline's name
 * @param source the {@code spec.source} block, indented for {@link #yaml()} ({@link #mariadb} or
 *     {@link #postgres})
 * @param bootstrapServers the embedded broker
 * @param erpUrl the ERP stand-in
 * @param dedupInstances dedup runtimes to run
 */
public record PipelineTemplate(
    String namespace,
    String name,
    String source,
    String bootstrapServers,
    URI erpUrl,
    int dedupInstances) {

  /** The name of replica {@code i} in the spec. */
  public static String replicaName(int i) {
    return "replica-" + (char) ('a' + i);
  }

  /**
   * A MariaDB source: {@code database}'s {@code tables} ({@code database.table}) read from {@code
   * replicas}, the first replica's connector with Debezium's {@code database.server.id} {@code
   * firstServerId}, the next ones counting up.
   */
  public static String mariadb(
      String database, List<String> tables, List<MariaDbServer> replicas, int firstServerId) {
    StringBuilder replicasYaml = new StringBuilder();
    for (int i = 0; i < replicas.size(); i++) {
      replicasYaml.append(
          String.format(
              "      - {name: %s, host: %s, port: %d, serverId: %d}%n",
              replicaName(i), replicas.get(i).host(), replicas.get(i).port(), firstServerId + i));
    }
    return """
          source:
            type: mariadb
            include: {databases: [%s], tables: [%s]}
            credentials: {secretName: cdc-db, usernameKey: username, passwordKey: password}
            replicas:
        %s    snapshot: {mode: initial}
            binlogRetention: {minimum: 1h, checkEvery: 30s, enforce: false}
        """
        .formatted(database, String.join(", ", tables), replicasYaml);
  }

  /**
   * A PostgreSQL source: {@code tables} ({@code schema.table}) of {@code database} read from {@code
   * replicas} through {@code publication}, which the scenario created on the primary.
   */
  public static String postgres(
      String database, List<String> tables, List<PostgresServer> replicas, String publication) {
    StringBuilder replicasYaml = new StringBuilder();
    for (int i = 0; i < replicas.size(); i++) {
      replicasYaml.append(
          String.format(
              "      - {name: %s, host: %s, port: %d}%n",
              replicaName(i), replicas.get(i).host(), replicas.get(i).port()));
    }
    return """
          source:
            type: postgresql
            include: {databases: [%s], tables: [%s]}
            credentials: {secretName: cdc-pg, usernameKey: username, passwordKey: password}
            postgresql: {publication: %s, publicationAutocreate: disabled}
            replicas:
        %s    snapshot: {mode: initial}
            binlogRetention: {minimum: 1h, checkEvery: 30s, enforce: false}
        """
        .formatted(database, String.join(", ", tables), publication, replicasYaml);
  }

  /** The YAML, as a user would {@code kubectl apply} it. */
  public String yaml() {
    return """
        apiVersion: cdc.twinlog.io/v1alpha1
        kind: CdcPipeline
        metadata: {name: %s, namespace: %s}
        spec:
          state: running
          kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "%s"}
        %s  dedup: {window: 48h, instances: %d, partitions: 3}
          sink:
            erp:
              url: "%s"
              method: POST
              auth: {type: none, tokenKey: token, usernameKey: username, passwordKey: password}
              timeout: 10s
              retry: {maxAttempts: 12, initialBackoff: 1s, maxBackoff: 5s}
              batch: {maxRecords: 1, maxBytes: 1048576}
              tombstones: skip
          restartPolicy: {initialBackoff: 2s, maxBackoff: 1m, stallAfter: 20s}
        """
        .formatted(name, namespace, bootstrapServers, source, dedupInstances, erpUrl);
  }

  /** The pipeline object. */
  public CdcPipeline toPipeline(KubernetesSerialization serialization) {
    return serialization.unmarshal(yaml(), CdcPipeline.class);
  }
}
