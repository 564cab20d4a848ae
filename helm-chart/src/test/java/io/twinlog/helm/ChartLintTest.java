package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void defaultsRenderTheOperatorAndItsRbacOnly() {
    RenderedChart chart = RenderedChart.defaults();

    assertThat(chart.objects())
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment");
  }

  @Test
  void everyOptionalPartRendersWhenEnabled() {
    RenderedChart chart =
        RenderedChart.render(
            """
            replicas: 2
            metrics:
              serviceMonitor: {enabled: true}
              dedupPodMonitor: {enabled: true}
            prometheusRule: {enabled: true}
            grafanaDashboard: {enabled: true}
            connectSecretAccess:
              - {namespace: shop, connectCluster: cdc-connect, secrets: [cdc-db]}
            connectNetworkPolicy:
              enabled: true
              connects: [{namespace: shop, connectCluster: cdc-connect}]
            networkPolicies:
              enabled: true
              metricsFrom: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
              kafka: {namespaces: [shop], extraPeers: [{ipBlock: {cidr: 10.30.0.0/16}}]}
              operator:
                apiServer: {cidrs: [172.18.0.2/32]}
                connect: {namespaces: [shop]}
                databases: {peers: [{ipBlock: {cidr: 10.20.0.0/24}}]}
              dedup: {namespaces: [shop]}
            """);

    assertThat(chart.objects())
        .extracting(HasMetadata::getKind)
        .contains(
            "ServiceMonitor", "PodMonitor", "PrometheusRule", "ConfigMap", "Role", "NetworkPolicy");
  }
}
