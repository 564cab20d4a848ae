package io.twinlog.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.AuthType;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.ErpAuthSpec;
import io.twinlog.operator.api.v1alpha1.ErpSinkSpec;
import io.twinlog.operator.api.v1alpha1.ErpTlsSpec;
import io.twinlog.operator.api.v1alpha1.PostgresSpec;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.api.v1alpha1.SinkSpec;
import io.twinlog.operator.api.v1alpha1.SnapshotMode;
import io.twinlog.operator.api.v1alpha1.SnapshotSpec;
import io.twinlog.operator.api.v1alpha1.SourceTlsMode;
import io.twinlog.operator.api.v1alpha1.SourceTlsSpec;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

  @Test
  void minimalAndFullPipelinesAreValid() {
    assertThat(SpecValidator.validate(TestPipelines.minimal())).isEmpty();
    assertThat(SpecValidator.validate(TestPipelines.full())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void badSpecIsReportedAtItsField(String expected, Consumer<CdcPipeline> breakIt) {
    CdcPipeline pipeline = TestPipelines.full();
    breakIt.accept(pipeline);
    assertThat(SpecValidator.validate(pipeline))
        .extracting(ValidationError::toString)
        .contains(expected);
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        bad("spec: is required", p -> p.setSpec(null)),
        bad(
            "spec.source.tls.caSecretName: verify-ca and verify-full check the replicas'"
                + " certificates: set caSecretName",
            p -> {
              var tls = new SourceTlsSpec();
              tls.setMode(SourceTlsMode.VERIFY_FULL);
              p.getSpec().getSource().setTls(tls);
            }),
        bad(
            "spec.sink.erp.tls: set caSecretName, clientCertificate or both",
            p -> erp(p).setTls(new ErpTlsSpec())),
        bad(
            "spec.source.tls.mode: is required",
            p -> p.getSpec().getSource().setTls(new SourceTlsSpec())),
        bad(
            "metadata.name: must be at most 63 characters",
            p -> p.getMetadata().setName("a".repeat(64))),
        bad(
            "metadata.name: must be a DNS-1035 label (lower-case letters, digits and '-',"
                + " starting with a letter), because it becomes label values and Service names,"
                + " got '1orders'",
            p -> p.getMetadata().setName("1orders")),
        bad("spec.kafka: is required", p -> p.getSpec().setKafka(null)),
        bad("spec.kafka.cluster: is required", p -> p.getSpec().getKafka().setCluster(null)),
        bad(
            "spec.kafka.connectCluster: must be a DNS name, got 'Cdc_Connect'",
            p -> p.getSpec().getKafka().setConnectCluster("Cdc_Connect")),
        bad(
            "spec.kafka.bootstrapServers: must be host:port[,host:port], got 'kafka'",
            p -> p.getSpec().getKafka().setBootstrapServers("kafka")),
        bad("spec.source.type: is required", p -> p.getSpec().getSource().setType(null)),
        bad(
            "spec.source.include.databases: must list 1 to 50 databases",
            p -> p.getSpec().getSource().getInclude().setDatabases(List.of())),
        bad(
            "spec.source.include.tables[1]: table 'billing.Invoice_Lines' is not in an included"
                + " database [shop]",
            p -> p.getSpec().getSource().getInclude().setDatabases(List.of("shop"))),
        bad(
            "spec.source.include.tables[0]: must be 'database.table' of letters, digits and '_',"
                + " got 'orders'",
            p -> p.getSpec().getSource().getInclude().setTables(List.of("orders"))),
        bad(
            "spec.source.include.tables[1]: duplicate value 'shop.orders'; must be unique",
            p ->
                p.getSpec()
                    .getSource()
                    .getInclude()
                    .setTables(List.of("shop.orders", "shop.orders"))),
        bad(
            "spec.source.credentials.secretName: is required",
            p -> p.getSpec().getSource().getCredentials().setSecretName(null)),
        bad(
            "spec.source.replicas: must list 1 to 5 replicas, got 0",
            p -> p.getSpec().getSource().setReplicas(List.of())),
        bad(
            "spec.source.replicas: must list 1 to 5 replicas, got 6",
            p -> {
              List<ReplicaSpec> six = new ArrayList<>();
              for (int i = 0; i < 6; i++) {
                ReplicaSpec r = new ReplicaSpec();
                r.setName("r" + i);
                r.setHost("h" + i);
                r.setServerId(100L + i);
                six.add(r);
              }
              p.getSpec().getSource().setReplicas(six);
            }),
        bad(
            "spec.source.replicas[1].name: duplicate value 'replica-a'; must be unique",
            p -> replica(p, 1).setName("replica-a")),
        bad(
            "spec.source.replicas[2].serverId: duplicate value '5401'; must be unique",
            p -> replica(p, 2).setServerId(5401L)),
        bad(
            "spec.source.replicas[1].serverId: must be between 1 and 4294967295, got 0",
            p -> replica(p, 1).setServerId(0L)),
        bad("spec.source.replicas[0].serverId: is required", p -> replica(p, 0).setServerId(null)),
        bad(
            "spec.source.replicas[0].port: must be between 1 and 65535, got 70000",
            p -> replica(p, 0).setPort(70000)),
        bad(
            "spec.source.replicas[0].name: must be a DNS label (lower-case letters, digits and"
                + " '-'), got 'Replica_A'",
            p -> replica(p, 0).setName("Replica_A")),
        bad(
            "spec.source.replicas[0].host: must be a host name or IP address, got 'db:3306'",
            p -> replica(p, 0).setHost("db:3306")),
        bad(
            "spec.source.binlogRetention.minimum: must be a duration such as 10s, 5m, 48h or"
                + " 1h30m, got '3 days'",
            p -> p.getSpec().getSource().getBinlogRetention().setMinimum("3 days")),
        bad(
            "spec.source.binlogRetention.checkEvery: must be at least 10s",
            p -> p.getSpec().getSource().getBinlogRetention().setCheckEvery("1s")),
        bad(
            "spec.dedup.window: must be greater than 0",
            p -> p.getSpec().getDedup().setWindow("0s")),
        bad(
            "spec.dedup.resources.requests.cpu: must be a quantity such as 500m, 2 or 1Gi, got"
                + " 'lots'",
            p ->
                p.getSpec()
                    .getDedup()
                    .setResources(
                        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                            .addToRequests(
                                "cpu", new io.fabric8.kubernetes.api.model.Quantity("lots"))
                            .build())),
        bad(
            "spec.dedup.alignHold: must be greater than 0",
            p -> p.getSpec().getDedup().setAlignHold("0s")),
        bad(
            "spec.dedup.instances: must be between 1 and 10, got 11",
            p -> p.getSpec().getDedup().setInstances(11)),
        bad(
            "spec.dedup.partitions: must be between 1 and 1000, got 0",
            p -> p.getSpec().getDedup().setPartitions(0)),
        bad(
            "spec.dedup.outputTopicPrefix: must be a Kafka topic name prefix (letters, digits,"
                + " '.', '_' and '-'), got 'cdc/shop'",
            p -> p.getSpec().getDedup().setOutputTopicPrefix("cdc/shop")),
        bad(
            "spec.source.replicas[0].name: its topic prefix 'shop.orders.cdc' equals the output"
                + " topic prefix; rename the replica or set spec.dedup.outputTopicPrefix",
            p -> {
              p.getSpec().getDedup().setOutputTopicPrefix(null);
              replica(p, 0).setName("cdc");
            }),
        bad("spec.sink.erp: is required", p -> p.getSpec().setSink(new SinkSpec())),
        bad(
            "spec.sink.erp.url: must be an http or https URL, got 'ftp://erp.internal/cdc'",
            p -> erp(p).setUrl("ftp://erp.internal/cdc")),
        bad(
            "spec.sink.erp.url: must not carry credentials; use spec.sink.erp.auth",
            p -> erp(p).setUrl("https://user:secret@erp.internal/cdc")),
        bad(
            "spec.sink.erp.auth.secretName: is required",
            p -> {
              ErpAuthSpec auth = new ErpAuthSpec();
              auth.setType(AuthType.BEARER);
              erp(p).setAuth(auth);
            }),
        bad(
            "spec.sink.erp.headers.Authorization: is set by the sink itself; put credentials in"
                + " spec.sink.erp.auth",
            p -> erp(p).setHeaders(headers("Authorization", "Bearer abc"))),
        bad(
            "spec.sink.erp.headers.X-List: value must be present and contain no ',' or line"
                + " break",
            p -> erp(p).setHeaders(headers("X-List", "a,b"))),
        bad("spec.sink.erp.timeout: must be greater than 0", p -> erp(p).setTimeout("0ms")),
        bad(
            "spec.sink.erp.retry.maxBackoff: must be at least initialBackoff (500ms)",
            p -> erp(p).getRetry().setMaxBackoff("100ms")),
        bad(
            "spec.sink.erp.retry.maxAttempts: must be between 1 and 1000, got 0",
            p -> erp(p).getRetry().setMaxAttempts(0)),
        bad(
            "spec.sink.erp.batch.maxBytes: must be between 1024 and 67108864, got 10",
            p -> erp(p).getBatch().setMaxBytes(10)),
        bad(
            "spec.sink.erp.deadLetterTopic: must differ from the output topics and the dedup"
                + " dead-letter topic",
            p -> erp(p).setDeadLetterTopic("cdc.shop.shop.orders")),
        bad(
            "spec.restartPolicy.maxBackoff: must be at least initialBackoff (5s)",
            p -> p.getSpec().getRestartPolicy().setMaxBackoff("1s")),
        bad(
            "spec.restartPolicy.initialBackoff: must be greater than 0",
            p -> p.getSpec().getRestartPolicy().setInitialBackoff("0s")),
        bad(
            "spec.restartPolicy.maxRestarts: must be between 0 and 2147483647, got -1",
            p -> p.getSpec().getRestartPolicy().setMaxRestarts(-1)),
        bad(
            "spec.restartPolicy.stallAfter: must be a duration such as 10s, 5m, 48h or 1h30m,"
                + " got '2 minutes'",
            p -> p.getSpec().getRestartPolicy().setStallAfter("2 minutes")));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    CdcPipeline pipeline = TestPipelines.full();
    replica(pipeline, 1).setServerId(5401L);
    pipeline.getSpec().getDedup().setWindow("soon");
    erp(pipeline).setUrl("erp.internal");
    assertThat(SpecValidator.validate(pipeline))
        .extracting(ValidationError::field)
        .containsExactly(
            "spec.source.replicas[1].serverId", "spec.dedup.window", "spec.sink.erp.url");
  }

  @Test
  void theSnapshotLeaderIsOneOfTheReplicas() {
    CdcPipeline pipeline = TestPipelines.minimal();
    SnapshotSpec snapshot = new SnapshotSpec();
    snapshot.setLeader("replica-b");
    pipeline.getSpec().getSource().setSnapshot(snapshot);
    assertThat(SpecValidator.validate(pipeline)).isEmpty();
    snapshot.setLeader("replica-z");
    assertThat(SpecValidator.validate(pipeline))
        .extracting(ValidationError::toString)
        .containsExactly(
            "spec.source.snapshot.leader: the snapshot leader must be one of the replicas");
  }

  @Test
  void postgresSourcesHaveTheirOwnRules() {
    assertThat(SpecValidator.validate(TestPipelines.postgres())).isEmpty();
    CdcPipeline pipeline = TestPipelines.postgres();
    replica(pipeline, 0).setServerId(7L);
    pipeline.getSpec().getSource().getInclude().setDatabases(List.of("shop", "billing"));
    SnapshotSpec recovery = new SnapshotSpec();
    recovery.setMode(SnapshotMode.RECOVERY);
    pipeline.getSpec().getSource().setSnapshot(recovery);
    assertThat(SpecValidator.validate(pipeline))
        .extracting(ValidationError::toString)
        .containsExactly(
            "spec.source.include.databases: a PostgreSQL source reads one database: list exactly"
                + " one",
            "spec.source.replicas[0].serverId: PostgreSQL replicas have no serverId",
            "spec.source.snapshot.mode: snapshot mode recovery rebuilds a schema history, which"
                + " PostgreSQL sources have none of");

    CdcPipeline mariadb = TestPipelines.minimal();
    mariadb.getSpec().getSource().setPostgresql(new PostgresSpec());
    replica(mariadb, 1).setServerId(null);
    assertThat(SpecValidator.validate(mariadb))
        .extracting(ValidationError::toString)
        .containsExactly(
            "spec.source.replicas[1].serverId: is required",
            "spec.source.postgresql: postgresql settings apply to a postgresql source only");
  }

  @Test
  void aPipelineWithoutSinkIsValid() {
    CdcPipeline pipeline = TestPipelines.full();
    pipeline.getSpec().setSink(null);
    assertThat(SpecValidator.validate(pipeline)).isEmpty();
  }

  private static Arguments bad(String expected, Consumer<CdcPipeline> breakIt) {
    return Arguments.of(expected, breakIt);
  }

  private static ReplicaSpec replica(CdcPipeline pipeline, int index) {
    return pipeline.getSpec().getSource().getReplicas().get(index);
  }

  private static ErpSinkSpec erp(CdcPipeline pipeline) {
    return pipeline.getSpec().getSink().getErp();
  }

  private static Map<String, String> headers(String name, String value) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(name, value);
    return headers;
  }
}
