package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;

/** The operator may reach Connect's REST API where NetworkPolicies are enforced, when asked. */
class ConnectNetworkPolicyTest {

  @Test
  void opensPort8083OfTheConnectPodsToTheOperatorPods() {
    RenderedChart chart =
        RenderedChart.render(
            """
            connectNetworkPolicy:
              enabled: true
              connects: [{namespace: shop, connectCluster: cdc-connect}]
            """);

    NetworkPolicy policy =
        chart.find(NetworkPolicy.class, "twinlog-cdc-connect-connect-api").orElseThrow();
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("strimzi.io/cluster", "cdc-connect")
        .containsEntry("strimzi.io/kind", "KafkaConnect");
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8083));
              assertThat(rule.getFrom())
                  .singleElement()
                  .satisfies(
                      peer -> {
                        assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .containsEntry("kubernetes.io/metadata.name", RenderedChart.NAMESPACE);
                        assertThat(peer.getPodSelector().getMatchLabels())
                            .containsEntry("app.kubernetes.io/name", "twinlog");
                      });
            });
  }

  @Test
  void offByDefault() {
    assertThat(RenderedChart.defaults().all(NetworkPolicy.class)).isEmpty();
  }
}
