package io.twinlog.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the CRD's {@code x-kubernetes-validations} with Google's CEL implementation (the API
 * server's semantics for these standard functions), so the rules compile and reject what they
 * should. No API server runs here.
 */
class CelRulesTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  /** A rule at a schema path; {@code []} steps into every list element. */
  record Rule(String path, String expression, String message) {

    /** A transition rule: the API server evaluates it on updates only, with the old value. */
    boolean transition() {
      return expression.contains("oldSelf");
    }
  }

  private static final List<Rule> RULES = rules();

  private static final Map<Rule, CelRuntime.Program> PROGRAMS = new LinkedHashMap<>();

  @Test
  void everyRuleCompiles() throws Exception {
    assertThat(RULES).hasSizeGreaterThanOrEqualTo(14);
    for (Rule rule : RULES) {
      assertThat(program(rule)).as(rule.toString()).isNotNull();
    }
  }

  @Test
  void validPipelinesPassEveryRule() throws Exception {
    assertThat(failures(TestPipelines.MINIMAL, p -> {})).isEmpty();
    assertThat(failures(TestPipelines.FULL, p -> {})).isEmpty();
    assertThat(failures(TestPipelines.POSTGRES, p -> {})).isEmpty();
  }

  @Test
  void theSnapshotLeaderIsOneOfTheReplicas() throws Exception {
    assertThat(
            failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("snapshot", Map.of("leader", "replica-b"))))
        .isEmpty();
    assertThat(
            failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("snapshot", Map.of("leader", "replica-z"))))
        .containsExactly("spec.source: the snapshot leader must be one of the replicas");
  }

  @Test
  void rulesKeepEachSourceTypesOwnSettings() throws Exception {
    assertThat(failures(TestPipelines.POSTGRES, p -> replica(p, 1).put("serverId", 7L)))
        .containsExactly("spec.source: PostgreSQL replicas have no serverId");
    assertThat(failures(TestPipelines.MINIMAL, p -> replica(p, 1).remove("serverId")))
        .containsExactly("spec.source: every MySQL or MariaDB replica needs a serverId");
    assertThat(
            failures(TestPipelines.POSTGRES, p -> include(p).put("databases", List.of("a", "b"))))
        .containsExactly("spec.source: a PostgreSQL source reads one database: list exactly one");
    assertThat(
            failures(
                TestPipelines.POSTGRES,
                p -> at(p, "source").put("snapshot", Map.of("mode", "recovery"))))
        .containsExactly(
            "spec.source: snapshot mode recovery rebuilds a schema history, which PostgreSQL"
                + " sources have none of");
    assertThat(
            failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("postgresql", Map.of("publication", "p"))))
        .containsExactly("spec.source: postgresql settings apply to a postgresql source only");
    assertThat(
            failures(
                TestPipelines.MINIMAL,
                p -> at(p, "source").put("tls", Map.of("mode", "verify-ca"))))
        .containsExactly(
            "spec.source.tls: verify-ca and verify-full check the replicas' certificates: set"
                + " caSecretName");
    assertThat(
            failures(
                TestPipelines.POSTGRES,
                p ->
                    at(p, "source")
                        .put("tls", Map.of("mode", "verify-full", "caSecretName", "db-ca"))))
        .isEmpty();
    assertThat(
            failures(
                TestPipelines.MINIMAL, p -> at(p, "source").put("tls", Map.of("mode", "required"))))
        .isEmpty();
    assertThat(failures(TestPipelines.FULL, p -> at(p, "sink", "erp").put("tls", Map.of())))
        .containsExactly("spec.sink.erp.tls: set caSecretName, clientCertificate or both");
    assertThat(
            failures(
                TestPipelines.FULL,
                p ->
                    at(p, "sink", "erp")
                        .put(
                            "tls",
                            Map.of("clientCertificate", Map.of("secretName", "erp-client")))))
        .isEmpty();
    assertThat(
            failures(
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
    assertThat(failures(TestPipelines.FULL, p -> at(p, "dedup").put("window", "3 days"))).isEmpty();
    assertThat(failures(TestPipelines.FULL, p -> at(p, "dedup").put("window", "9999999999999h")))
        .isEmpty();
    assertThat(failures(TestPipelines.FULL, p -> at(p, "restartPolicy").put("maxBackoff", "soon")))
        .isEmpty();
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(ApiPatterns.DURATION);
    assertThat(List.of("500ms", "10s", "5m", "48h", "1h30m", "99999h"))
        .allMatch(v -> pattern.matcher(v).matches());
    assertThat(List.of("9999999999999h", "100000h", "3 days", "1d", ""))
        .noneMatch(v -> pattern.matcher(v).matches());
    CelRuntime.Program positive =
        RUNTIME.createProgram(COMPILER.compile("duration(self) > duration('0s')").getAst());
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
    assertThat(failures(TestPipelines.FULL, p -> replica(p, 1).put("serverId", 5401L)))
        .containsExactly("spec.source.replicas: replica serverIds must be unique");
    assertThat(failures(TestPipelines.FULL, p -> replica(p, 2).put("name", "replica-a")))
        .containsExactly("spec.source.replicas: replica names must be unique");
    assertThat(failures(TestPipelines.FULL, p -> include(p).put("databases", List.of("shop"))))
        .containsExactly("spec.source: every table must belong to one of the included databases");
    assertThat(
            failures(
                TestPipelines.FULL,
                p -> at(p, "kafka").put("authentication", Map.of("type", "scram-sha-512"))))
        .containsExactly(
            "spec.kafka.authentication: scram-sha-512 needs username (the KafkaUser's name)");
    assertThat(
            failures(
                TestPipelines.FULL,
                p ->
                    at(p, "kafka")
                        .put("authentication", Map.of("type", "tls", "secretName", "user"))))
        .containsExactly("spec.kafka: authentication type tls (mutual TLS) needs tls");
    assertThat(
            failures(
                TestPipelines.FULL,
                p -> {
                  at(p, "kafka").put("tls", Map.of());
                  at(p, "kafka").put("authentication", Map.of("type", "tls"));
                }))
        .containsExactly(
            "spec.kafka.authentication: tls needs secretName (the KafkaUser's Secret with"
                + " user.crt and user.key)");
    assertThat(failures(TestPipelines.FULL, p -> at(p, "dedup").put("window", "0s")))
        .containsExactly("spec.dedup.window: must be greater than 0");
    assertThat(failures(TestPipelines.FULL, p -> at(p, "restartPolicy").put("maxBackoff", "1s")))
        .containsExactly("spec.restartPolicy: maxBackoff must be at least initialBackoff");
    assertThat(failures(TestPipelines.FULL, p -> erp(p, "retry").put("maxBackoff", "100ms")))
        .containsExactly("spec.sink.erp.retry: maxBackoff must be at least initialBackoff");
    assertThat(failures(TestPipelines.FULL, p -> erp(p, "auth").remove("secretName")))
        .containsExactly(
            "spec.sink.erp.auth: secretName is required when type is bearer, basic or oauth2");
    assertThat(failures(TestPipelines.FULL, p -> erp(p, "auth").put("type", "oauth2")))
        .containsExactly("spec.sink.erp.auth: oauth2 (tokenUrl) is required when type is oauth2");
    assertThat(failures(TestPipelines.FULL, p -> erp(p, "headers").put("Bad Header", "x")))
        .containsExactly("spec.sink.erp.headers: header names must be HTTP tokens");
    assertThat(
            failures(
                TestPipelines.FULL,
                p -> at(p, "source", "binlogRetention").put("checkEvery", "5s")))
        .containsExactly("spec.source.binlogRetention.checkEvery: must be at least 10s");
    assertThat(failures(TestPipelines.FULL, p -> erp(p, "auth").put("type", "none"))).isEmpty();
  }

  /** The messages of the rules the (modified) pipeline breaks. */
  private static List<String> failures(String yaml, Consumer<Map<String, Object>> modify)
      throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> pipeline = (Map<String, Object>) longs(YAML.readValue(yaml, Map.class));
    modify.accept(pipeline);
    List<String> failed = new ArrayList<>();
    for (Rule rule : RULES) {
      if (rule.transition()) {
        continue; // a create has no old value
      }
      for (Object self : select(pipeline, rule.path())) {
        Object result = program(rule).eval(Map.of("self", self));
        if (!Boolean.TRUE.equals(result)) {
          failed.add(rule.path() + ": " + rule.message());
        }
      }
    }
    return failed;
  }

  /**
   * The messages of the transition rules an update from the pipeline to its modified copy breaks.
   * The rules used here sit on objects and scalars, not list items, so old and new values pair up
   * by path.
   */
  private static List<String> updateFailures(String yaml, Consumer<Map<String, Object>> modify)
      throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> old = (Map<String, Object>) longs(YAML.readValue(yaml, Map.class));
    @SuppressWarnings("unchecked")
    Map<String, Object> updated = (Map<String, Object>) longs(YAML.readValue(yaml, Map.class));
    modify.accept(updated);
    List<String> failed = new ArrayList<>();
    for (Rule rule : RULES) {
      if (!rule.transition()) {
        continue;
      }
      assertThat(rule.path()).as("transition rules on list items pair by key").doesNotContain("[]");
      List<Object> before = select(old, rule.path());
      List<Object> after = select(updated, rule.path());
      if (before.size() == 1 && after.size() == 1) {
        Object result = program(rule).eval(Map.of("self", after.get(0), "oldSelf", before.get(0)));
        if (!Boolean.TRUE.equals(result)) {
          failed.add(rule.path() + ": " + rule.message());
        }
      }
    }
    return failed;
  }

  @Test
  void updatesThatCannotBeMadeSafelyAreRefusedWithWhatToDoInstead() throws Exception {
    assertThat(updateFailures(TestPipelines.FULL, p -> {})).isEmpty();
    assertThat(updateFailures(TestPipelines.FULL, p -> at(p, "dedup").put("partitions", 12L)))
        .singleElement()
        .asString()
        .startsWith("spec.dedup.partitions: cannot change on an existing pipeline")
        .contains("create a new CdcPipeline");
    assertThat(updateFailures(TestPipelines.FULL, p -> at(p, "source").put("type", "mariadb")))
        .singleElement()
        .asString()
        .startsWith("spec.source.type: cannot change on an existing pipeline");
    assertThat(updateFailures(TestPipelines.FULL, p -> replica(p, 1).put("serverId", 5499L)))
        .singleElement()
        .asString()
        .startsWith("spec: a replica's serverId cannot change while the pipeline runs")
        .contains("set spec.state to stopped first");
    // Stopped first (or in the same edit), the serverId may change; replicas may come and go.
    assertThat(
            updateFailures(
                TestPipelines.FULL,
                p -> {
                  at(p).put("state", "stopped");
                  replica(p, 1).put("serverId", 5499L);
                }))
        .isEmpty();
    assertThat(
            updateFailures(
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

  private static synchronized CelRuntime.Program program(Rule rule) throws Exception {
    CelRuntime.Program program = PROGRAMS.get(rule);
    if (program == null) {
      CelAbstractSyntaxTree ast = COMPILER.compile(rule.expression()).getAst();
      program = RUNTIME.createProgram(ast);
      PROGRAMS.put(rule, program);
    }
    return program;
  }

  private static List<Rule> rules() {
    JSONSchemaProps root =
        CrdExport.generated().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    List<Rule> rules = new ArrayList<>();
    collect("", root, rules);
    return rules;
  }

  private static void collect(String path, JSONSchemaProps props, List<Rule> rules) {
    if (props.getXKubernetesValidations() != null) {
      props
          .getXKubernetesValidations()
          .forEach(
              r ->
                  rules.add(
                      new Rule(
                          path.isEmpty() ? "" : path.substring(1), r.getRule(), r.getMessage())));
    }
    if (props.getProperties() != null) {
      props.getProperties().forEach((name, child) -> collect(path + "." + name, child, rules));
    }
    if (props.getItems() != null && props.getItems().getSchema() != null) {
      collect(path + "[]", props.getItems().getSchema(), rules);
    }
  }

  /** The values at a path such as {@code spec.source.replicas}; absent parts select nothing. */
  private static List<Object> select(Object root, String path) {
    if (path.isEmpty()) {
      return List.of(root);
    }
    List<Object> current = List.of(root);
    for (String step : path.split("\\.")) {
      boolean each = step.endsWith("[]");
      String key = each ? step.substring(0, step.length() - 2) : step;
      List<Object> next = new ArrayList<>();
      for (Object node : current) {
        if (node instanceof Map<?, ?> map && map.get(key) != null) {
          Object value = map.get(key);
          if (each && value instanceof List<?> list) {
            next.addAll(list);
          } else if (!each) {
            next.add(value);
          }
        }
      }
      current = next;
    }
    return current;
  }

  /** CEL integers are 64-bit: YAML's Integers become Longs. */
  private static Object longs(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, longs(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return new ArrayList<>(list.stream().map(CelRulesTest::longs).toList());
    }
    return value;
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
