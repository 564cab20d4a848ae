package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Argo CD files in gitops/ and docs agree with the tested health.lua and the chart. */
class GitOpsFilesTest {
  private static final Path ARGOCD = Path.of("..", "gitops", "argocd");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void argocdCmPatchCarriesHealthLuaVerbatim() throws Exception {
    GenericKubernetesResource patch =
        YAML.unmarshal(
            "kind: ConfigMap\napiVersion: v1\n"
                + Files.readString(ARGOCD.resolve("argocd-cm-patch.yaml")),
            GenericKubernetesResource.class);
    Map<String, String> data = patch.get("data");

    assertThat(data.get("resource.customizations.health.cdc.twinlog.io_CdcPipeline").strip())
        .isEqualTo(Files.readString(ArgoCdHealth.SCRIPT).strip());
  }

  @Test
  void applicationsPointAtTheChartAndIgnoreThePipelinesStatus() throws Exception {
    String yaml = Files.readString(ARGOCD.resolve("application.yaml"));
    List<GenericKubernetesResource> apps =
        java.util.Arrays.stream(yaml.split("(?m)^---$"))
            .map(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class))
            .toList();

    assertThat(apps).allSatisfy(a -> assertThat(a.getKind()).isEqualTo("Application"));
    assertThat(apps)
        .anySatisfy(
            a -> {
              String path = a.get("spec", "source", "path");
              assertThat(Path.of("..").resolve(path))
                  .isEqualTo(Path.of("..", "helm-chart", "twinlog"));
              assertThat(Files.isDirectory(Path.of("..").resolve(path))).isTrue();
            });
    assertThat(yaml).contains("kind: CdcPipeline").contains("/status");
  }

  @Test
  void theOperatorApplicationsValuesPassTheChartsSchema() throws Exception {
    String yaml = Files.readString(ARGOCD.resolve("application.yaml"));
    for (String doc : yaml.split("(?m)^---$")) {
      GenericKubernetesResource app = YAML.unmarshal(doc, GenericKubernetesResource.class);
      Map<String, Object> values = app.get("spec", "source", "helm", "valuesObject");
      if (values != null) {
        RenderedChart chart = RenderedChart.render(YAML.asYaml(values));
        assertThat(chart.operatorDeployment().getSpec().getReplicas())
            .isEqualTo(values.get("replicas"));
      }
    }
  }
}
