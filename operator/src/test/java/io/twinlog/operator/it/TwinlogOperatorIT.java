package io.twinlog.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.twinlog.operator.TwinlogOperator;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.reconciler.OperatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator as the Helm chart runs it: HTTP endpoints, namespace list. */
class TwinlogOperatorIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsLivenessReadinessAndWatchesOnlyItsNamespaces() throws Exception {
    try (MockCluster cluster = MockCluster.start()) {
      var client = cluster.client();
      for (String ns : new String[] {"watched", "ignored"}) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      OperatorSettings settings =
          OperatorSettings.inProcess().withHttpPort(0).watching(Set.of("watched"));
      try (TwinlogOperator operator = TwinlogOperator.start(client, Clock.systemUTC(), settings)) {
        int port = operator.httpPort();
        assertThat(get(port, "/livez").statusCode()).isEqualTo(200);
        assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);

        client.resource(Pipelines.orders(client, "watched", "orders")).create();
        client.resource(Pipelines.orders(client, "ignored", "orders")).create();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    client
                            .resources(CdcPipeline.class)
                            .inNamespace("watched")
                            .withName("orders")
                            .get()
                            .getStatus()
                        != null);
        HttpResponse<String> metrics = get(port, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("operator_sdk_reconciliations");
        assertThat(metrics.body())
            .containsPattern(
                "twinlog_pipeline_condition\\{[^}]*namespace=\"watched\",pipeline=\"orders\",reason=\"\\w+\",type=\"Ready\"\\} [01]")
            .doesNotContain("namespace=\"ignored\"");
        assertThat(
                client
                    .resources(CdcPipeline.class)
                    .inNamespace("ignored")
                    .withName("orders")
                    .get()
                    .getStatus())
            .isNull();
      }
    }
  }
}
