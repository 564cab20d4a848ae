package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.twinlog.contracts.OperatorEnv;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The operator's pod: hardened, probed, and given exactly the env the operator's code reads. */
class OperatorDeploymentTest {
  private final Deployment deployment = RenderedChart.defaults().operatorDeployment();
  private final Container container =
      deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

  @Test
  void podAndContainerAreHardened() {
    PodSecurityContext pod = deployment.getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getRunAsUser()).isPositive();
    assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    SecurityContext c = container.getSecurityContext();
    assertThat(c.getRunAsNonRoot()).isTrue();
    assertThat(c.getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(c.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void readOnlyRootFilesystemStillHasAWritableTmp() {
    assertThat(container.getVolumeMounts())
        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
  }

  @Test
  void probesAndPortFollowTheOperatorContract() {
    assertThat(container.getLivenessProbe().getHttpGet().getPath())
        .isEqualTo(OperatorEnv.LIVENESS_PATH);
    assertThat(container.getReadinessProbe().getHttpGet().getPath())
        .isEqualTo(OperatorEnv.READINESS_PATH);
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("http");
              assertThat(port.getContainerPort()).isEqualTo(OperatorEnv.DEFAULT_HTTP_PORT);
            });
    assertThat(env().get(OperatorEnv.HTTP_PORT).getValue())
        .isEqualTo(String.valueOf(OperatorEnv.DEFAULT_HTTP_PORT));
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void setsEveryVariableOfTheOperatorEnvContractAndNoOtherTwinlogOne() {
    Set<String> twinlogVariables =
        env().keySet().stream()
            .filter(name -> name.startsWith("TWINLOG_"))
            .collect(Collectors.toSet());

    assertThat(twinlogVariables).containsExactlyInAnyOrderElementsOf(contractVariables());
  }

  @Test
  void imagesDefaultToTheChartsAppVersionAndHonourDigests() {
    assertThat(container.getImage()).isEqualTo("ghcr.io/twinlog/twinlog-operator:0.1.0");
    assertThat(env().get(OperatorEnv.DEDUP_IMAGE).getValue())
        .isEqualTo("ghcr.io/twinlog/twinlog-dedup-runtime:0.1.0");
    assertThat(env().get(OperatorEnv.WEBHOOK_IMAGE).getValue())
        .isEqualTo("ghcr.io/twinlog/twinlog-webhook-receiver:0.1.0");

    String digest = "sha256:" + "ab".repeat(32);
    Deployment pinned =
        RenderedChart.render(
                """
                image: {repository: registry.local/op, tag: "1.2.3"}
                dedupImage: {repository: registry.local/dedup, digest: "%s", pullPolicy: Always}
                webhookImage: {repository: registry.local/webhook, tag: "2.0.0"}
                """
                    .formatted(digest))
            .operatorDeployment();
    Container c = pinned.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, EnvVar> env = byName(c);
    assertThat(c.getImage()).isEqualTo("registry.local/op:1.2.3");
    assertThat(env.get(OperatorEnv.DEDUP_IMAGE).getValue())
        .isEqualTo("registry.local/dedup@" + digest);
    assertThat(env.get(OperatorEnv.DEDUP_IMAGE_PULL_POLICY).getValue()).isEqualTo("Always");
    assertThat(env.get(OperatorEnv.WEBHOOK_IMAGE).getValue())
        .isEqualTo("registry.local/webhook:2.0.0");
  }

  @Test
  void downwardApiGivesTheLeaseNamespaceAndIdentity() {
    assertThat(
            env().get(OperatorEnv.OPERATOR_NAMESPACE).getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env().get(OperatorEnv.POD_NAME).getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
  }

  private Map<String, EnvVar> env() {
    return byName(container);
  }

  private static Map<String, EnvVar> byName(Container container) {
    return container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, Function.identity()));
  }

  /** Every String constant of OperatorEnv whose value is an environment variable name. */
  static Set<String> contractVariables() {
    return Arrays.stream(OperatorEnv.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(OperatorDeploymentTest::value)
        .filter(value -> value.startsWith("TWINLOG_"))
        .collect(Collectors.toSet());
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
