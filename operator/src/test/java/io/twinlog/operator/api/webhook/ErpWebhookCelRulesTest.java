package io.twinlog.operator.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the ErpWebhook CRD's {@code x-kubernetes-validations} with Google's CEL implementation,
 * as {@code CelRulesTest} does the CdcPipeline's: the receiver's TLS and authentication rules
 * compile and reject what the receiver would refuse at start-up. No API server runs here, so no
 * schema default is applied: the rules hold without them.
 */
class ErpWebhookCelRulesTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  record Rule(String path, String expression, String message) {}

  private static final List<Rule> RULES = rules();

  static final String WEBHOOK =
      """
      apiVersion: cdc.twinlog.io/v1alpha1
      kind: ErpWebhook
      metadata: {name: erp-invoices, namespace: shop}
      spec:
        kafka: {cluster: main, connectCluster: cdc-connect}
        receiver: {replicas: 2, path: /webhooks/erp}
        auth: {type: hmac, secretName: erp-webhook}
        delivery:
          url: https://shop.internal/api/erp-events
          auth: {type: bearer, secretName: shop-api-token}
      """;

  @Test
  void everyRuleCompilesAndTheExamplePasses() throws Exception {
    assertThat(RULES).extracting(Rule::path).contains("spec", "spec.auth", "spec.receiver.tls");
    for (Rule rule : RULES) {
      assertThat(program(rule)).as(rule.toString()).isNotNull();
    }
    assertThat(failures(w -> {})).isEmpty();
  }

  @Test
  void serverTlsAloneAndMutualTlsOnTopOfHmacPass() throws Exception {
    assertThat(failures(w -> tls(w, Map.of("secretName", "erp-webhook-tls")))).isEmpty();
    assertThat(
            failures(
                w ->
                    tls(
                        w,
                        Map.of(
                            "secretName", "erp-webhook-tls",
                            "clientAuth", "optional",
                            "clientCaSecretName", "erp-clients-ca",
                            "allowedSubjects", List.of("CN=sap-prod,O=Acme")))))
        .isEmpty();
  }

  @Test
  void clientCertificatesNeedTheirCaAndNothingOfThemWithoutClientAuth() throws Exception {
    assertThat(
            failures(
                w -> tls(w, Map.of("secretName", "erp-webhook-tls", "clientAuth", "required"))))
        .containsExactly(
            "spec.receiver.tls: clientCaSecretName is required when clientAuth is optional or"
                + " required");
    assertThat(
            failures(
                w ->
                    tls(
                        w,
                        Map.of(
                            "secretName", "erp-webhook-tls",
                            "clientCaSecretName", "erp-clients-ca"))))
        .containsExactly(
            "spec.receiver.tls: clientCaSecretName and allowedSubjects apply only when clientAuth"
                + " is optional or required");
    assertThat(
            failures(
                w ->
                    tls(
                        w,
                        Map.of(
                            "secretName", "erp-webhook-tls",
                            "clientAuth", "none",
                            "allowedSubjects", List.of("erp.acme.example")))))
        .containsExactly(
            "spec.receiver.tls: clientCaSecretName and allowedSubjects apply only when clientAuth"
                + " is optional or required");
  }

  @Test
  void certificateAuthNeedsRequiredClientCertificatesAndNoSecret() throws Exception {
    Map<String, Object> required =
        Map.of(
            "secretName", "erp-webhook-tls",
            "clientAuth", "required",
            "clientCaSecretName", "erp-webhook-tls");
    assertThat(
            failures(
                w -> {
                  tls(w, required);
                  spec(w).put("auth", new LinkedHashMap<>(Map.of("type", "certificate")));
                }))
        .isEmpty();

    String needsRequired =
        "spec: auth.type certificate needs receiver.tls with clientAuth: required (the client"
            + " certificate is then the only authentication)";
    assertThat(failures(w -> spec(w).put("auth", Map.of("type", "certificate"))))
        .containsExactly(needsRequired);
    assertThat(
            failures(
                w -> {
                  tls(
                      w,
                      Map.of(
                          "secretName", "erp-webhook-tls",
                          "clientAuth", "optional",
                          "clientCaSecretName", "erp-clients-ca"));
                  spec(w).put("auth", Map.of("type", "certificate"));
                }))
        .containsExactly(needsRequired);

    assertThat(
            failures(
                w -> {
                  tls(w, required);
                  spec(w).put("auth", Map.of("type", "certificate", "secretName", "erp-webhook"));
                }))
        .singleElement()
        .asString()
        .startsWith("spec.auth: type certificate uses no secret");
    assertThat(
            failures(
                w -> {
                  tls(w, required);
                  spec(w)
                      .put(
                          "auth",
                          Map.of(
                              "type", "certificate", "hmac", Map.of("signatureHeader", "X-Sig")));
                }))
        .containsExactly("spec.auth: hmac settings apply only when type is hmac");
  }

  @Test
  void hmacAndBearerStillNeedTheirSecret() throws Exception {
    assertThat(failures(w -> spec(w).put("auth", Map.of("type", "bearer"))))
        .containsExactly("spec.auth: secretName is required when type is hmac or bearer");
    assertThat(failures(w -> spec(w).put("auth", Map.of())))
        .containsExactly("spec.auth: secretName is required when type is hmac or bearer");
    assertThat(
            failures(
                w ->
                    spec(w)
                        .put(
                            "auth",
                            Map.of(
                                "type", "bearer",
                                "secretName", "t",
                                "hmac", Map.of("encoding", "hex")))))
        .containsExactly("spec.auth: hmac settings apply only when type is hmac");
  }

  @Test
  void theWebhookSamplesPassEveryRule() throws Exception {
    for (String sample : List.of("06-erp-webhook.yaml", "08-erp-webhook-mtls.yaml")) {
      String text = Files.readString(Path.of("..", "samples", sample));
      String doc =
          Arrays.stream(text.split("(?m)^---\\s*$"))
              .filter(d -> d.contains("kind: ErpWebhook"))
              .findFirst()
              .orElseThrow();
      assertThat(failures(doc, w -> {})).as(sample).isEmpty();
    }
  }

  /** The messages of the rules the (modified) example breaks. */
  private static List<String> failures(Consumer<Map<String, Object>> modify) throws Exception {
    return failures(WEBHOOK, modify);
  }

  private static List<String> failures(String yaml, Consumer<Map<String, Object>> modify)
      throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> webhook = (Map<String, Object>) longs(YAML.readValue(yaml, Map.class));
    modify.accept(webhook);
    List<String> failed = new ArrayList<>();
    for (Rule rule : RULES) {
      if (rule.expression().contains("oldSelf")) {
        continue; // a create has no old value
      }
      for (Object self : select(webhook, rule.path())) {
        Object result = program(rule).eval(Map.of("self", longs(self)));
        if (!Boolean.TRUE.equals(result)) {
          failed.add(rule.path() + ": " + rule.message());
        }
      }
    }
    return failed;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> webhook) {
    return (Map<String, Object>) webhook.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static void tls(Map<String, Object> webhook, Map<String, Object> tls) {
    ((Map<String, Object>) spec(webhook).get("receiver")).put("tls", tls);
  }

  private static final Map<Rule, CelRuntime.Program> PROGRAMS = new LinkedHashMap<>();

  private static synchronized CelRuntime.Program program(Rule rule) throws Exception {
    CelRuntime.Program program = PROGRAMS.get(rule);
    if (program == null) {
      program = RUNTIME.createProgram(COMPILER.compile(rule.expression()).getAst());
      PROGRAMS.put(rule, program);
    }
    return program;
  }

  private static List<Rule> rules() {
    try {
      JSONSchemaProps root =
          ErpWebhookCrdTest.generated()
              .getSpec()
              .getVersions()
              .get(0)
              .getSchema()
              .getOpenAPIV3Schema();
      List<Rule> rules = new ArrayList<>();
      collect("", root, rules);
      return rules;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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

  /** The values at a path such as {@code spec.receiver.tls}; absent parts select nothing. */
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
      return new ArrayList<>(list.stream().map(ErpWebhookCelRulesTest::longs).toList());
    }
    return value;
  }
}
