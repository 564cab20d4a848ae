package io.twinlog.operator.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;

/** CdcPipelines for operator tests, written as a user writes them (YAML). */
public final class Pipelines {
  private Pipelines() {}

  /**
   * Two MariaDB replicas, two dedup instances, an ERP sink: the README's example, except that each
   * source starts on its own ({@code snapshot.mode: no_data}): these tests are about what follows
   * the start, and no Strimzi here lists or alters offsets. The consistent start of the default
   * mode is SourceStartsTest's and PipelineE2E's.
   */
  public static String ordersYaml(String namespace, String name) {
    return """
        apiVersion: cdc.twinlog.io/v1alpha1
        kind: CdcPipeline
        metadata: {name: %s, namespace: %s}
        spec:
          kafka: {cluster: main, connectCluster: cdc-connect}
          source:
            type: mariadb
            include: {databases: [shop], tables: [shop.orders, shop.order_items]}
            credentials: {secretName: cdc-db}
            replicas:
              - {name: replica-a, host: db-replica-a.db, port: 3306, serverId: 5401}
              - {name: replica-b, host: db-replica-b.db, port: 3306, serverId: 5402}
            binlogRetention: {minimum: 72h, checkEvery: 10m}
            snapshot: {mode: no_data}
          dedup: {window: 48h, instances: 2}
          sink:
            erp:
              url: https://erp.internal/api/cdc
              auth: {type: bearer, secretName: erp-token}
              retry: {maxAttempts: 12, initialBackoff: 1s, maxBackoff: 5m}
          restartPolicy: {initialBackoff: 10s, maxBackoff: 10m}
        """
        .formatted(name, namespace);
  }

  /** The orders pipeline as a model object. */
  public static CdcPipeline orders(KubernetesClient client, String namespace, String name) {
    return client
        .getKubernetesSerialization()
        .unmarshal(ordersYaml(namespace, name), CdcPipeline.class);
  }
}
