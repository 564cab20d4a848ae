package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

/** Strimzi's KubernetesSecretConfigProvider reads exactly the listed Secrets, nothing else. */
class ConnectSecretAccessTest {

  @Test
  void grantsGetOnTheNamedSecretsToTheConnectServiceAccount() {
    RenderedChart chart =
        RenderedChart.render(
            """
            connectSecretAccess:
              - namespace: shop
                connectCluster: cdc-connect
                connectNamespace: kafka
                secrets: [cdc-db, erp-token]
            """);

    Role role = chart.find(Role.class, "twinlog-cdc-connect-secrets").orElseThrow();
    assertThat(role.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getApiGroups()).containsExactly("");
              assertThat(rule.getResources()).containsExactly("secrets");
              assertThat(rule.getResourceNames()).containsExactly("cdc-db", "erp-token");
              assertThat(rule.getVerbs()).containsExactly("get");
            });
    RoleBinding binding =
        chart.find(RoleBinding.class, "twinlog-cdc-connect-secrets").orElseThrow();
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              // Strimzi names the Connect pods' ServiceAccount <KafkaConnect name>-connect.
              assertThat(s.getName()).isEqualTo("cdc-connect-connect");
              assertThat(s.getNamespace()).isEqualTo("kafka");
            });
  }

  @Test
  void connectNamespaceDefaultsToTheSecretsNamespace() {
    RenderedChart chart =
        RenderedChart.render(
            "connectSecretAccess: [{namespace: shop, connectCluster: c, secrets: [cdc-db]}]");

    assertThat(chart.find(RoleBinding.class, "twinlog-c-secrets").orElseThrow().getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getNamespace()).isEqualTo("shop"));
  }

  @Test
  void nothingIsCreatedByDefault() {
    assertThat(RenderedChart.defaults().all(Role.class)).isEmpty();
  }
}
