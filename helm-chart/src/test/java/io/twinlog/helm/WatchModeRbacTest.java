package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.twinlog.contracts.OperatorEnv;
import org.junit.jupiter.api.Test;

/** Watching every namespace takes a ClusterRole; watching a list takes one Role per namespace. */
class WatchModeRbacTest {

  @Test
  void allNamespacesUseOneClusterRoleBoundToTheOperator() {
    RenderedChart chart = RenderedChart.render("watch: {mode: all}");

    assertThat(chart.all(ClusterRole.class)).hasSize(1);
    ClusterRoleBinding binding = chart.all(ClusterRoleBinding.class).get(0);
    assertThat(binding.getRoleRef().getName()).isEqualTo("twinlog");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("twinlog");
              assertThat(s.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
            });
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(watchEnv(chart)).isEmpty();
  }

  @Test
  void listedNamespacesGetTheSameRulesAsRolesAndNothingClusterWide() {
    RenderedChart all = RenderedChart.render("watch: {mode: all}");
    RenderedChart listed =
        RenderedChart.render("watch: {mode: namespaces, namespaces: [shop, billing]}");

    assertThat(listed.all(ClusterRole.class)).isEmpty();
    assertThat(listed.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(listed.all(Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("shop", "billing");
    assertThat(listed.all(RoleBinding.class))
        .allSatisfy(
            b -> {
              assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
              assertThat(b.getSubjects().get(0).getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
            });
    for (Role role : listed.all(Role.class)) {
      assertThat(RbacRules.of(role.getRules())).isEqualTo(RbacRules.of(all));
    }
    assertThat(watchEnv(listed)).isEqualTo("shop,billing");
  }

  @Test
  void rbacCanBeLeftToTheUser() {
    RenderedChart chart = RenderedChart.render("rbac: {create: false}\nreplicas: 2");

    assertThat(chart.objects())
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
  }

  @Test
  void secretReadAccessIsGetOnlyAndCanBeTurnedOff() {
    assertThat(RbacRules.of(RenderedChart.defaults()).grants())
        .filteredOn(g -> g.startsWith("/secrets:"))
        .containsExactly("/secrets:get");
    assertThat(RbacRules.of(RenderedChart.render("rbac: {readSecrets: false}")).resources())
        .doesNotContain("/secrets");
  }

  private static String watchEnv(RenderedChart chart) {
    return chart
        .operatorDeployment()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getName().equals(OperatorEnv.WATCH_NAMESPACES))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }
}
