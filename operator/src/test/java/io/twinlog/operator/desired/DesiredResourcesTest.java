package io.twinlog.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.TestPipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DesiredResourcesTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void everythingIsOwnedByThePipelineAsController() {
    CdcPipeline p = TestPipelines.full();
    List<HasMetadata> all = DesiredResources.of(p).all();
    // 3 source connectors, the sink, 9 source topics (3 replicas x (2 tables + heartbeat)), 3
    // schema-history topics, 5 other topics, the ConfigMap, Deployment, Service and
    // PodDisruptionBudget
    assertThat(all).hasSize(3 + 1 + 9 + 3 + 5 + 1 + 1 + 1 + 1);
    for (HasMetadata r : all) {
      assertThat(r.getMetadata().getNamespace()).isEqualTo("shop");
      assertThat(r.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              (OwnerReference o) -> {
                assertThat(o.getApiVersion()).isEqualTo("cdc.twinlog.io/v1alpha1");
                assertThat(o.getKind()).isEqualTo("CdcPipeline");
                assertThat(o.getName()).isEqualTo("orders");
                assertThat(o.getUid()).isEqualTo(p.getMetadata().getUid());
                assertThat(o.getController()).isTrue();
              });
    }
    assertThat(all)
        .extracting(r -> r.getKind() + "/" + r.getMetadata().getName())
        .doesNotHaveDuplicates();
  }

  @Test
  void pureFunctionOfTheSpec() {
    String first = JSON.asJson(DesiredResources.of(TestPipelines.full()).all());
    String second = JSON.asJson(DesiredResources.of(TestPipelines.full()).all());
    assertThat(second).isEqualTo(first);
    // Status is not an input.
    CdcPipeline withStatus = TestPipelines.full();
    withStatus.setStatus(new io.twinlog.operator.api.v1alpha1.CdcPipelineStatus().withRestarts(7));
    assertThat(JSON.asJson(DesiredResources.of(withStatus).all())).isEqualTo(first);
  }

  @Test
  void secretNamesAppearOnlyInsideSecretProviderReferences() {
    String rendered = JSON.asJson(DesiredResources.of(TestPipelines.full()).all());
    for (String secret : List.of("cdc-db", "erp-credentials")) {
      Matcher m = Pattern.compile(Pattern.quote(secret)).matcher(rendered);
      int all = 0;
      while (m.find()) {
        all++;
      }
      int asReferences =
          rendered.split(Pattern.quote("${secrets:shop/" + secret + ":"), -1).length - 1;
      assertThat(all).as(secret).isPositive().isEqualTo(asReferences);
    }
  }

  @Test
  void theDesiredPackageNeverReadsSecretsOrTalksToTheApiServer() throws IOException {
    Path sources = Path.of("src/main/java/io/twinlog/operator/desired");
    try (Stream<Path> files = Files.list(sources)) {
      for (Path file : files.toList()) {
        assertThat(Files.readString(file))
            .as(file.toString())
            .doesNotContain("api.model.Secret")
            .doesNotContain("KubernetesClient")
            .doesNotContain("System.getenv");
      }
    }
  }

  @Test
  void connectorsAreSourcesThenSink() {
    DesiredResources desired = DesiredResources.of(TestPipelines.full());
    assertThat(desired.connectors())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly(
            "orders-source-replica-a",
            "orders-source-replica-b",
            "orders-source-replica-c",
            "orders-sink");
    assertThat(desired.sources())
        .extracting(DesiredResources.Source::replica)
        .containsExactly("replica-a", "replica-b", "replica-c");
    assertThat(desired.desiredDedupInstances()).isEqualTo(3);
    assertThat(DesiredResources.of(TestPipelines.minimal()).sinkConnector()).isNull();
  }
}
