package io.twinlog.operator.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.CelRules;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static final CelRules CEL = cel();

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
    assertThat(CEL.rules())
        .extracting(CelRules.Rule::path)
        .contains("spec", "spec.auth", "spec.receiver.tls");
    for (CelRules.Rule rule : CEL.rules()) {
      assertThat(CEL.program(rule)).as(rule.toString()).isNotNull();
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
      assertThat(CEL.failures(doc, w -> {})).as(sample).isEmpty();
    }
  }

  /** The messages of the rules the (modified) example breaks. */
  private static List<String> failures(Consumer<Map<String, Object>> modify) throws Exception {
    return CEL.failures(WEBHOOK, modify);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> webhook) {
    return (Map<String, Object>) webhook.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static void tls(Map<String, Object> webhook, Map<String, Object> tls) {
    ((Map<String, Object>) spec(webhook).get("receiver")).put("tls", tls);
  }

  private static CelRules cel() {
    try {
      return CelRules.of(ErpWebhookCrdTest.generated());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
