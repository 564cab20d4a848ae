package io.twinlog.operator.api.v1alpha1;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** CdcPipelines for tests, parsed from YAML the way the operator receives them. */
public final class TestPipelines {
  private TestPipelines() {}

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** A valid pipeline using only required fields. */
  public static final String MINIMAL =
      """
      apiVersion: cdc.twinlog.io/v1alpha1
      kind: CdcPipeline
      metadata:
        name: orders
        namespace: shop
        uid: 7d9c1a52-3f1e-4f6b-9a0e-2b1f3c4d5e6f
        generation: 1
      spec:
        kafka: {cluster: main, connectCluster: cdc-connect}
        source:
          type: mariadb
          include: {databases: [shop], tables: [shop.orders, shop.order_items]}
          credentials: {secretName: cdc-db}
          replicas:
            - {name: replica-a, host: db-replica-a.db, serverId: 5401}
            - {name: replica-b, host: db-replica-b.db, port: 3307, serverId: 5402}
      """;

  /** A valid pipeline that sets every field. */
  public static final String FULL =
      """
      apiVersion: cdc.twinlog.io/v1alpha1
      kind: CdcPipeline
      metadata:
        name: orders
        namespace: shop
        uid: 7d9c1a52-3f1e-4f6b-9a0e-2b1f3c4d5e6f
        generation: 3
      spec:
        state: running
        kafka: {cluster: main, connectCluster: cdc-connect, bootstrapServers: "main-kafka-bootstrap.kafka:9093"}
        source:
          type: mysql
          include: {databases: [shop, billing], tables: [shop.orders, billing.Invoice_Lines]}
          credentials: {secretName: cdc-db, usernameKey: user, passwordKey: pass}
          replicas:
            - {name: replica-a, host: db-replica-a.db, port: 3306, serverId: 5401}
            - {name: replica-b, host: 10.0.0.12, port: 3306, serverId: 5402}
            - {name: replica-c, host: db-replica-c.db, port: 3306, serverId: 5403}
          snapshot: {mode: when_needed}
          binlogRetention: {minimum: 96h, checkEvery: 5m, enforce: true}
          pollInterval: 20ms
        dedup:
          window: 24h
          alignHold: 2m
          commitInterval: 200ms
          instances: 3
          partitions: 6
          outputTopicPrefix: cdc.shop
          image: registry.example/twinlog/dedup:1.2.3
          resources:
            requests: {cpu: 200m, memory: 512Mi}
            limits: {memory: 1Gi}
        sink:
          erp:
            url: https://erp.internal/api/cdc
            method: PUT
            auth: {type: basic, secretName: erp-credentials, usernameKey: user, passwordKey: pass}
            headers: {X-Tenant: shop}
            timeout: 10s
            retry: {maxAttempts: 5, initialBackoff: 500ms, maxBackoff: 1m}
            deadLetterTopic: erp-dead-letters
            batch: {maxRecords: 50, maxBytes: 2097152}
            tombstones: delete
        restartPolicy: {initialBackoff: 5s, maxBackoff: 5m, maxRestarts: 20, stallAfter: 90s}
      """;

  /** A valid PostgreSQL pipeline: a primary and two standbys, the publication pre-created. */
  public static final String POSTGRES =
      """
      apiVersion: cdc.twinlog.io/v1alpha1
      kind: CdcPipeline
      metadata:
        name: orders
        namespace: shop
        uid: 7d9c1a52-3f1e-4f6b-9a0e-2b1f3c4d5e6f
        generation: 1
      spec:
        kafka: {cluster: main, connectCluster: cdc-connect}
        source:
          type: postgresql
          include: {databases: [shop], tables: [public.orders, billing.invoice_lines]}
          credentials: {secretName: cdc-db}
          postgresql: {publication: twinlog_orders}
          replicas:
            - {name: standby-a, host: pg-standby-a.db}
            - {name: standby-b, host: pg-standby-b.db, port: 5433}
      """;

  /** A fresh copy of {@link #POSTGRES}. */
  public static CdcPipeline postgres() {
    return parse(POSTGRES);
  }

  /** Parses a CdcPipeline from YAML. */
  public static CdcPipeline parse(String yaml) {
    return SERIALIZATION.unmarshal(yaml, CdcPipeline.class);
  }

  /** A fresh copy of {@link #MINIMAL}. */
  public static CdcPipeline minimal() {
    return parse(MINIMAL);
  }

  /** A fresh copy of {@link #FULL}. */
  public static CdcPipeline full() {
    return parse(FULL);
  }

  /** The pipeline as YAML (for round trips). */
  public static String yaml(CdcPipeline pipeline) {
    return SERIALIZATION.asYaml(pipeline);
  }

  /**
   * {@code p} on a Strimzi {@code tls} listener with SCRAM-SHA-512 as KafkaUser {@code
   * twinlog-orders} (least privilege on by default); returns {@code p}.
   */
  public static CdcPipeline scramOverTls(CdcPipeline p) {
    p.getSpec().getKafka().setTls(new KafkaTlsSpec());
    KafkaAuthenticationSpec auth = new KafkaAuthenticationSpec();
    auth.setType(KafkaAuthType.SCRAM_SHA_512);
    auth.setUsername("twinlog-orders");
    p.getSpec().getKafka().setAuthentication(auth);
    return p;
  }
}
