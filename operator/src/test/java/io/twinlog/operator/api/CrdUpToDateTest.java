package io.twinlog.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

public class CrdUpToDateTest {

  @Test
  void committedCrdMatchesTheJavaModel() throws Exception {
    String expected = CrdExport.exportedYaml();
    if (CrdExport.refreshRequested()) {
      Files.writeString(CrdExport.COMMITTED, expected, StandardCharsets.UTF_8);
    }
    assertThat(CrdExport.committedYaml())
        .as(
            "crds/%s is stale; refresh it with:%n  %s",
            CrdExport.FILE_NAME, CrdExport.REFRESH_COMMAND)
        .isEqualTo(expected);
  }

  @Test
  void printerColumnsAreInKubectlOrder() throws Exception {
    CustomResourceDefinition crd =
        new KubernetesSerialization()
            .unmarshal(CrdExport.committedYaml(), CustomResourceDefinition.class);
    assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getName)
        .containsExactlyElementsOf(CrdExport.COLUMN_ORDER);
    assertThat(crd.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
  }

  /**
   * metadata.name is limited by the schema under metadata (the only constraints the API server
   * allows there, and it reports them at metadata.name), not by a CEL rule on the root.
   */
  @Test
  void metadataNameIsADns1035LabelOfAtMost63Characters() {
    JSONSchemaProps root =
        CrdExport.generated().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    assertMetadataNameSchema(root, 63);
  }

  /** The root schema's metadata: a string name with this maxLength and a DNS-1035 pattern only. */
  public static void assertMetadataNameSchema(JSONSchemaProps root, int maxLength) {
    JSONSchemaProps metadata = root.getProperties().get("metadata");
    assertThat(metadata.getType()).isEqualTo("object");
    assertThat(metadata.getProperties()).containsOnlyKeys("name");
    assertThat(metadata.getDescription()).isNull();
    JSONSchemaProps name = metadata.getProperties().get("name");
    assertThat(new KubernetesSerialization().asJson(name))
        .isEqualTo(
            "{\"maxLength\":"
                + maxLength
                + ",\"pattern\":\""
                + ApiPatterns.DNS_1035_LABEL
                + "\",\"type\":\"string\"}");
    assertThat(root.getXKubernetesValidations()).isNullOrEmpty();
  }

  @Test
  void crossFieldRulesAreInTheSchema() {
    JSONSchemaProps root =
        CrdExport.generated().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    List<String> rules = new ArrayList<>();
    collectRules("", root, rules);
    assertThat(rules)
        .contains(
            ".spec.source.replicas: replica names must be unique",
            ".spec.source.replicas: replica serverIds must be unique",
            ".spec.restartPolicy: maxBackoff must be at least initialBackoff",
            ".spec.sink.erp.retry: maxBackoff must be at least initialBackoff",
            ".spec.sink.erp.auth: secretName is required when type is bearer, basic or oauth2",
            ".spec.source: every table must belong to one of the included databases",
            ".spec.source: every MySQL or MariaDB replica needs a serverId",
            ".spec.source: PostgreSQL replicas have no serverId",
            ".spec.dedup.window: must be greater than 0");
  }

  private static void collectRules(String path, JSONSchemaProps props, List<String> rules) {
    if (props.getXKubernetesValidations() != null) {
      props.getXKubernetesValidations().forEach(r -> rules.add(path + ": " + r.getMessage()));
    }
    if (props.getProperties() != null) {
      props.getProperties().forEach((name, child) -> collectRules(path + "." + name, child, rules));
    }
    if (props.getItems() != null && props.getItems().getSchema() != null) {
      collectRules(path + "[]", props.getItems().getSchema(), rules);
    }
  }
}
