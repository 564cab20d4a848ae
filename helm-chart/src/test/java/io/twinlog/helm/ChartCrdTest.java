package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the generated CRD unchanged. When {@code crds/} changes, refresh the chart's copy
 * with {@code -Dtwinlog.refresh=true} (same switch as the operator's CrdUpToDateTest).
 */
class ChartCrdTest {
  private static final String FILE = "cdcpipelines.cdc.twinlog.io-v1.yml";
  private static final Path GENERATED = Path.of("..", "crds", FILE);
  private static final Path CHART_COPY = RenderedChart.CHART.resolve("crds").resolve(FILE);

  @Test
  void chartCopyOfTheCrdIsTheGeneratedOne() throws IOException {
    String generated = Files.readString(GENERATED);
    if (Boolean.getBoolean("twinlog.refresh")) {
      Files.writeString(CHART_COPY, generated);
    }

    assertThat(Files.readString(CHART_COPY))
        .as("%s is stale: rerun with -Dtwinlog.refresh=true", CHART_COPY)
        .isEqualTo(generated);
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
    try (var files = Files.list(GENERATED.getParent())) {
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
  void chartInstallsTheCrdOfTheOperatorsCdcPipelineClass() {
    String crds = new Helm(RenderedChart.CHART).show().crds().call();
    CustomResourceDefinition crd =
        new KubernetesSerialization().unmarshal(crds, CustomResourceDefinition.class);

    assertThat(crd.getMetadata().getName())
        .isEqualTo(HasMetadata.getFullResourceName(CdcPipeline.class));
    assertThat(crd.getSpec().getVersions())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo(HasMetadata.getVersion(CdcPipeline.class));
              assertThat(v.getSubresources().getStatus()).isNotNull();
            });
  }
}
