package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
