package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.twinlog.contracts.OperatorEnv;
import org.junit.jupiter.api.Test;

/** One operator pod runs alone; several elect a leader through a Lease in their own namespace. */
class LeaderElectionTest {

  @Test
  void singleReplicaRunsWithoutLeaderElectionOrLeaseAccess() {
    RenderedChart chart = RenderedChart.render("replicas: 1");

    assertThat(env(chart.operatorDeployment(), OperatorEnv.LEADER_ELECTION)).isEqualTo("false");
    assertThat(chart.operatorDeployment().getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(RbacRules.of(chart).resources()).doesNotContain("coordination.k8s.io/leases");
  }

  @Test
  void severalReplicasElectALeaderWithLeasesInTheReleaseNamespaceOnly() {
    RenderedChart chart = RenderedChart.render("replicas: 3");
    Deployment deployment = chart.operatorDeployment();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(env(deployment, OperatorEnv.LEADER_ELECTION)).isEqualTo("true");
    assertThat(env(deployment, OperatorEnv.LEADER_ELECTION_LEASE_NAME)).isEqualTo("twinlog-leader");
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");

    Role role = chart.find(Role.class, "twinlog-leader-election").orElseThrow();
    assertThat(role.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(rule.getResources()).containsExactly("leases");
            });
    RoleBinding binding = chart.find(RoleBinding.class, "twinlog-leader-election").orElseThrow();
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("twinlog"));
  }

  @Test
  void leaseNameIsAValue() {
    RenderedChart chart =
        RenderedChart.render("replicas: 2\nleaderElection: {leaseName: my-lease}");

    assertThat(env(chart.operatorDeployment(), OperatorEnv.LEADER_ELECTION_LEASE_NAME))
        .isEqualTo("my-lease");
  }

  private static String env(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }
}
