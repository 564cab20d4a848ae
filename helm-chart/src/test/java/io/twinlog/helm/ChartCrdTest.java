package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the generated CRD unchanged. When {@code crds/} changes, refresh the chart's copy
 * with {@code -Dtwinlog.refresh=true} (same switch as the operator's CrdUpToDateTest).
 */
class ChartCrdTest {
  private static final Path GENERATED = Path.of("..", "crds");
  private static final List<String> FILES =
      List.of("cdcpipelines.cdc.twinlog.io-v1.yml", "erpwebhooks.cdc.twinlog.io-v1.yml");

  @Test
  void chartCopiesOfTheCrdsAreTheGeneratedOnes() throws IOException {
    try (var files = Files.list(GENERATED)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .as("every generated CRD ships in the chart")
          .isEqualTo(FILES);
    }
    for (String file : FILES) {
      String generated = Files.readString(GENERATED.resolve(file));
      Path chartCopy = RenderedChart.CHART.resolve("crds").resolve(file);
      if (Boolean.getBoolean("twinlog.refresh")) {
        Files.writeString(chartCopy, generated);
      }
      assertThat(Files.readString(chartCopy))
          .as("%s is stale: rerun with -Dtwinlog.refresh=true", chartCopy)
          .isEqualTo(generated);
    }
  }

  /**
   * The chart's minimum Kubernetes accepts every validation feature the CRDs use (an older API
   * server refuses the CRD, and Helm drops what it does not know): a rule's {@code reason} and
   * {@code fieldPath} came with 1.28, {@code messageExpression} with 1.27, CEL rules are on by
   * default since 1.25. The getting-started guide states the same minimum.
   */
  @Test
  void theChartsMinimumKubernetesAcceptsEveryCrdFeatureAndTheDocsSayTheSame() throws IOException {
    int needed = 0;
    try (var files = Files.list(GENERATED)) {
      for (Path file : files.toList()) {
        CustomResourceDefinition crd =
            new KubernetesSerialization()
                .unmarshal(Files.readString(file), CustomResourceDefinition.class);
        for (var version : crd.getSpec().getVersions()) {
          needed = Math.max(needed, firstMinor(version.getSchema().getOpenAPIV3Schema()));
        }
      }
    }
    Matcher chart =
        Pattern.compile("(?m)^kubeVersion: \">=1\\.(\\d+)\\.")
            .matcher(Files.readString(RenderedChart.CHART.resolve("Chart.yaml")));
    assertThat(chart.find()).as("Chart.yaml states kubeVersion \">=1.N...\"").isTrue();
    assertThat(Integer.parseInt(chart.group(1))).as("the chart's minimum minor").isEqualTo(needed);
    assertThat(Files.readString(Path.of("..", "docs", "getting-started.md")))
        .contains("Kubernetes 1." + needed + " or newer");
  }

  /** The first Kubernetes minor (1.N) whose API server accepts every rule in the schema. */
  private static int firstMinor(JSONSchemaProps schema) {
    if (schema == null) {
      return 0;
    }
    int minor = 0;
    for (ValidationRule rule : schema.getXKubernetesValidations()) {
      minor = Math.max(minor, 25);
      if (rule.getMessageExpression() != null) {
        minor = Math.max(minor, 27);
      }
      if (rule.getReason() != null || rule.getFieldPath() != null) {
        minor = Math.max(minor, 28);
      }
    }
    for (JSONSchemaProps child : schema.getProperties().values()) {
      minor = Math.max(minor, firstMinor(child));
    }
    if (schema.getItems() != null) {
      minor = Math.max(minor, firstMinor(schema.getItems().getSchema()));
    }
    if (schema.getAdditionalProperties() != null) {
      minor = Math.max(minor, firstMinor(schema.getAdditionalProperties().getSchema()));
    }
    return minor;
  }

  @Test
  void chartInstallsTheCrdsOfTheOperatorsResourceClasses() {
    String crds = new Helm(RenderedChart.CHART).show().crds().call();
    List<CustomResourceDefinition> installed =
        // Helm prints the files one after the other, with no document separator between them;
        // each starts its one top-level apiVersion.
        Arrays.stream(crds.split("(?m)^(?=apiVersion:)"))
            .filter(doc -> doc.contains("kind:"))
            .map(
                doc -> new KubernetesSerialization().unmarshal(doc, CustomResourceDefinition.class))
            .toList();

    for (Class<? extends HasMetadata> kind : List.of(CdcPipeline.class, ErpWebhook.class)) {
      assertThat(installed)
          .filteredOn(
              crd -> crd.getMetadata().getName().equals(HasMetadata.getFullResourceName(kind)))
          .singleElement()
          .satisfies(
              crd ->
                  assertThat(crd.getSpec().getVersions())
                      .anySatisfy(
                          v -> {
                            assertThat(v.getName()).isEqualTo(HasMetadata.getVersion(kind));
                            assertThat(v.getSubresources().getStatus()).isNotNull();
                          }));
    }
  }
}
