package io.twinlog.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.runtime.CelRuntime;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the CRD's {@code x-kubernetes-validations} with Google's CEL implementation (the API
 * server's semantics for these standard functions), so the rules compile and reject what they
 * should. No API server runs here.
 */
class CelRulesTest {

  private static final CelRules CEL = CelRules.of(CrdExport.generated());

  @Test
  void everyRuleCompiles() throws Exception {
    assertThat(CEL.rules()).hasSizeGreaterThanOrEqualTo(14);
    for (CelRules.Rule rule : CEL.rules()) {
      assertThat(CEL.program(rule)).as(rule.toString()).isNotNull();
    }
  }

  @Test
  void validPipelinesPassEveryRule() throws Exception {
    assertThat(CEL.failures(TestPipelines.MINIMAL, p -> {})).isEmpty();
    assertThat(CEL.failures(TestPipelines.FULL, p -> {})).isEmpty();
    assertThat(CEL.failures(TestPipelines.POSTGRES, p -> {})).isEmpty();
  }

  @Test
  void theSnapshotLeaderIsOneOfTheReplicas() throws Exception {
    assertThat(
            CEL.failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("snapshot", Map.of("leader", "replica-b"))))
        .isEmpty();
    assertThat(
            CEL.failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("snapshot", Map.of("leader", "replica-z"))))
        .containsExactly("spec.source: the snapshot leader must be one of the replicas");
  }

  @Test
  void rulesKeepEachSourceTypesOwnSettings() throws Exception {
    assertThat(CEL.failures(TestPipelines.POSTGRES, p -> replica(p, 1).put("serverId", 7L)))
        .containsExactly("spec.source: PostgreSQL replicas have no serverId");
    assertThat(CEL.failures(TestPipelines.MINIMAL, p -> replica(p, 1).remove("serverId")))
        .containsExactly("spec.source: every MySQL or MariaDB replica needs a serverId");
    assertThat(
            CEL.failures(
                TestPipelines.POSTGRES, p -> include(p).put("databases", List.of("a", "b"))))
        .containsExactly("spec.source: a PostgreSQL source reads one database: list exactly one");
    assertThat(
            CEL.failures(
                TestPipelines.POSTGRES,
                p -> at(p, "source").put("snapshot", Map.of("mode", "recovery"))))
        .containsExactly(
            "spec.source: snapshot mode recovery rebuilds a schema history, which PostgreSQL"
                + " sources have none of");
    assertThat(
            CEL.failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("postgresql", Map.of("publication", "p"))))
        .containsExactly("spec.source: postgresql settings apply to a postgresql source only");
    assertThat(
            CEL.failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("tls", Map.of("mode", "verify-ca"))))
        .containsExactly(
            "spec.source.tls: verify-ca and verify-full check the replicas' certificates: set"
                + " caSecretName");
    assertThat(
            CEL.failures(
                TestPipelines.POSTGRES,
                p ->
                    at(p, "source")
                        .put("tls", Map.of("mode", "verify-full", "caSecretName", "db-ca"))))
        .isEmpty();
    assertThat(
            CEL.failures(
                TestPipelines.MINIMAL, p -> at(p, "source").put("tls", Map.of("mode", "required"))))
        .isEmpty();
    assertThat(CEL.failures(TestPipelines.FULL, p -> at(p, "sink", "erp").put("tls", Map.of())))
        .containsExactly("spec.sink.erp.tls: set caSecretName, clientCertificate or both");
    assertThat(
            CEL.failures(
                TestPipelines.FULL,
                p ->
                    at(p, "sink", "erp")
                        .put(
                            "tls",
                            Map.of("clientCertificate", Map.of("secretName", "erp-client")))))
        .isEmpty();
    assertThat(
            CEL.failures(
                TestPipelines.POSTGRES,
                p -> at(p, "source").put("snapshot", Map.of("mode", "no_data"))))
        .as("schema.table names need not start with the database's name")
        .isEmpty();
  }

  /**
   * A value that is not a duration gets one clear message (the schema's pattern), not also CEL's
   * "type conversion error"; and no value the pattern lets through overflows CEL's duration.
   */
  @Test
  void durationRulesLeaveMalformedValuesToThePattern() throws Exception {
    assertThat(CEL.failures(TestPipelines.FULL, p -> at(p, "dedup").put("window", "3 days")))
        .isEmpty();
    assertThat(
            CEL.failures(TestPipelines.FULL, p -> at(p, "dedup").put("window", "9999999999999h")))
        .isEmpty();
    assertThat(
            CEL.failures(TestPipelines.FULL, p -> at(p, "restartPolicy").put("maxBackoff", "soon")))
        .isEmpty();
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(ApiPatterns.DURATION);
    assertThat(List.of("500ms", "10s", "5m", "48h", "1h30m", "99999h"))
        .allMatch(v -> pattern.matcher(v).matches());
    assertThat(List.of("9999999999999h", "100000h", "3 days", "1d", ""))
        .noneMatch(v -> pattern.matcher(v).matches());
    CelRuntime.Program positive = CelRules.compile("duration(self) > duration('0s')");
    // the largest values of each unit within the fields' 32 characters
    for (String worst :
        List.of(
            "99999h99999h99999h99999h99999h",
            "9999999m9999999m9999999m9999999m",
            "999999999s999999999s999999999s",
            "999999999999ms999999999999ms",
            "99999h9999999m999999999s9999ms")) {
      assertThat(worst).hasSizeLessThanOrEqualTo(32).matches(ApiPatterns.DURATION);
      assertThat(positive.eval(Map.of("self", worst))).as(worst).isEqualTo(true);
    }
  }

  @Test
  void rulesRejectWhatTheyShould() throws Exception {
    assertThat(CEL.failures(TestPipelines.FULL, p -> replica(p, 1).put("serverId", 5401L)))
        .containsExactly("spec.source.replicas: replica serverIds must be unique");
    assertThat(CEL.failures(TestPipelines.FULL, p -> replica(p, 2).put("name", "replica-a")))
        .containsExactly("spec.source.replicas: replica names must be unique");
    assertThat(CEL.failures(TestPipelines.FULL, p -> include(p).put("databases", List.of("shop"))))
        .containsExactly("spec.source: every table must belong to one of the included databases");
    assertThat(
            CEL.failures(
                TestPipelines.FULL,
                p -> at(p, "kafka").put("authentication", Map.of("type", "scram-sha-512"))))
        .containsExactly(
            "spec.kafka.authentication: scram-sha-512 needs username (the KafkaUser's name)");
    assertThat(
            CEL.failures(
                TestPipelines.FULL,
                p ->
                    at(p, "kafka")
                        .put("authentication", Map.of("type", "tls", "secretName", "user"))))
        .containsExactly("spec.kafka: authentication type tls (mutual TLS) needs tls");
    assertThat(
            CEL.failures(
                TestPipelines.FULL,
                p -> {
                  at(p, "kafka").put("tls", Map.of());
                  at(p, "kafka").put("authentication", Map.of("type", "tls"));
                }))
        .containsExactly(
            "spec.kafka.authentication: tls needs secretName (the KafkaUser's Secret with"
                + " user.crt and user.key)");
    assertThat(CEL.failures(TestPipelines.FULL, p -> at(p, "dedup").put("window", "0s")))
        .containsExactly("spec.dedup.window: must be greater than 0");
    assertThat(
            CEL.failures(TestPipelines.FULL, p -> at(p, "restartPolicy").put("maxBackoff", "1s")))
        .containsExactly("spec.restartPolicy: maxBackoff must be at least initialBackoff");
    assertThat(CEL.failures(TestPipelines.FULL, p -> erp(p, "retry").put("maxBackoff", "100ms")))
        .containsExactly("spec.sink.erp.retry: maxBackoff must be at least initialBackoff");
    assertThat(CEL.failures(TestPipelines.FULL, p -> erp(p, "auth").remove("secretName")))
        .containsExactly(
            "spec.sink.erp.auth: secretName is required when type is bearer, basic or oauth2");
    assertThat(CEL.failures(TestPipelines.FULL, p -> erp(p, "auth").put("type", "oauth2")))
        .containsExactly("spec.sink.erp.auth: oauth2 (tokenUrl) is required when type is oauth2");
    assertThat(CEL.failures(TestPipelines.FULL, p -> erp(p, "headers").put("Bad Header", "x")))
        .containsExactly("spec.sink.erp.headers: header names must be HTTP tokens");
    assertThat(
            CEL.failures(
                TestPipelines.FULL,
                p -> at(p, "source", "binlogRetention").put("checkEvery", "5s")))
        .containsExactly("spec.source.binlogRetention.checkEvery: must be at least 10s");
    assertThat(CEL.failures(TestPipelines.FULL, p -> erp(p, "auth").put("type", "none"))).isEmpty();
  }

  @Test
  void updatesThatCannotBeMadeSafelyAreRefusedWithWhatToDoInstead() throws Exception {
    assertThat(CEL.updateFailures(TestPipelines.FULL, p -> {})).isEmpty();
    assertThat(CEL.updateFailures(TestPipelines.FULL, p -> at(p, "dedup").put("partitions", 12L)))
        .singleElement()
        .asString()
        .startsWith("spec.dedup.partitions: cannot change on an existing pipeline")
        .contains("create a new CdcPipeline");
    assertThat(CEL.updateFailures(TestPipelines.FULL, p -> at(p, "source").put("type", "mariadb")))
        .singleElement()
        .asString()
        .startsWith("spec.source.type: cannot change on an existing pipeline");
    assertThat(CEL.updateFailures(TestPipelines.FULL, p -> replica(p, 1).put("serverId", 5499L)))
        .singleElement()
        .asString()
        .startsWith("spec: a replica's serverId cannot change while the pipeline runs")
        .contains("set spec.state to stopped first");
    // Stopped first (or in the same edit), the serverId may change; replicas may come and go.
    assertThat(
            CEL.updateFailures(
                TestPipelines.FULL,
                p -> {
                  at(p).put("state", "stopped");
                  replica(p, 1).put("serverId", 5499L);
                }))
        .isEmpty();
    assertThat(
            CEL.updateFailures(
                TestPipelines.FULL,
                p -> {
                  @SuppressWarnings("unchecked")
                  List<Map<String, Object>> replicas =
                      (List<Map<String, Object>>) at(p, "source").get("replicas");
                  replicas.remove(0);
                  replicas.add(
                      new LinkedHashMap<>(
                          Map.of("name", "replica-d", "host", "d.example", "serverId", 5499L)));
                }))
        .isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> pipeline, String... path) {
    Map<String, Object> node = (Map<String, Object>) pipeline.get("spec");
    for (String step : path) {
      node = (Map<String, Object>) node.get(step);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> p) {
    return (Map<String, Object>) p.get("metadata");
  }

  private static Map<String, Object> include(Map<String, Object> p) {
    return at(p, "source", "include");
  }

  private static Map<String, Object> erp(Map<String, Object> p, String child) {
    return at(p, "sink", "erp", child);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> replica(Map<String, Object> p, int index) {
    return ((List<Map<String, Object>>) at(p, "source").get("replicas")).get(index);
  }
}
