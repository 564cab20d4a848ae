package io.twinlog.e2e.stack;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.testkit.MariaDbServer;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A CdcPipeline for this machine: the same shape as {@code samples/}'s, with the addresses of the
 * local stack. Every field the CRD would default is written out, because the mock API server does
 * not apply schema defaults (a real one does).
 *
 * @param namespace the pipeline's namespace (one per scenario)
 * @param name the pipeline's name
 * @param database the captured database
 * @param tables {@code database.table} names
 * @param replicas the replicas to read, in order (named replica-a, replica-b, ...)
 * @param firstServerId Debezium's {@code database.server.id} of the first replica's connector
 * @param bootstrapServers the embedded broker
 * @param erpUrl the ERP stand-in
 * @param dedupInstances dedup runtimes to run
 */
public record PipelineTemplate(
    String namespace,
    String name,
    String database,
    List<String> tables,
    List<MariaDbServer> replicas,
    int firstServerId,
    String bootstrapServers,
    URI erpUrl,
    int dedupInstances) {

  /** The name of replica {@code i} in the spec. */
  public static String replicaName(int i) {
    return "replica-" + (char) ('a' + i);
  }

  /** The YAML, as a user would {@code kubectl apply} it. */
  public String yaml() {
    StringBuilder replicasYaml = new StringBuilder();
    for (int i = 0; i < replicas.size(); i++) {
      replicasYaml.append(
          String.format(
              "      - {name: %s, host: %s, port: %d, serverId: %d}%n",
              replicaName(i), replicas.get(i).host(), replicas.get(i).port(), firstServerId + i));
    }
    return """
        apiVersion: cdc.twinlog.io/v1alpha1
        kind: CdcPipeline
        metadata: {name: %s, namespace: %s}
        spec:
          state: running
          kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "%s"}
          source:
            type: mariadb
            include: {databases: [%s], tables: [%s]}
            credentials: {secretName: cdc-db, usernameKey: username, passwordKey: password}
            replicas:
        %s    snapshot: {mode: initial}
            binlogRetention: {minimum: 1h, checkEvery: 30s, enforce: false}
          dedup: {window: 48h, instances: %d, partitions: 3}
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
        .formatted(
            name,
            namespace,
            bootstrapServers,
            database,
            tables.stream().collect(Collectors.joining(", ")),
            replicasYaml,
            dedupInstances,
            erpUrl);
  }

  /** The pipeline object. */
  public CdcPipeline toPipeline(KubernetesSerialization serialization) {
    return serialization.unmarshal(yaml(), CdcPipeline.class);
  }
}
