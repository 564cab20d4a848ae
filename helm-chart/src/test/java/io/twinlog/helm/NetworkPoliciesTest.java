package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.contracts.OperatorEnv;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.SourceType;
import io.twinlog.operator.api.v1alpha1.webhook.ErpWebhook;
import io.twinlog.operator.desired.DedupWorkload;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.desired.Labels;
import io.twinlog.operator.desired.ResourceNames;
import io.twinlog.operator.webhook.desired.WebhookLabels;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code networkPolicies.enabled}, the operator's and the dedup pods' traffic is what their
 * code needs and nothing more; the selectors, ports and defaults are checked against that code.
 */
class NetworkPoliciesTest {
  private static final String OPERATOR_POLICY = "twinlog-operator";
  private static final String DEDUP_POLICY = "twinlog-dedup";

  private static final RenderedChart ON =
      RenderedChart.render(
          """
          networkPolicies:
            enabled: true
            dedup: {namespaces: [shop, billing]}
          """);

  @Test
  void offByDefault() {
    assertThat(RenderedChart.defaults().all(NetworkPolicy.class)).isEmpty();
    assertThat(
            RenderedChart.render("networkPolicies: {dedup: {namespaces: [shop]}}")
                .all(NetworkPolicy.class))
        .isEmpty();
  }

  @Test
  void operatorPolicySelectsTheOperatorPodsAndGovernsBothDirections() {
    NetworkPolicy policy = operatorPolicy(ON);

    assertThat(policy.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    Map<String, String> selector = policy.getSpec().getPodSelector().getMatchLabels();
    assertThat(selector).isNotEmpty();
    assertThat(ON.operatorDeployment().getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(selector);
    // Both types, or the direction left out stays open.
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
  }

  @Test
  void operatorTakesConnectionsOnlyOnItsHttpPortFromAnyoneOrTheGivenPeers() {
    ContainerPort http =
        ON
            .operatorDeployment()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getPorts()
            .stream()
            .filter(p -> p.getName().equals("http"))
            .findFirst()
            .orElseThrow();

    assertThat(operatorPolicy(ON).getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(ports(rule.getPorts())).containsExactly("TCP/" + http.getContainerPort());
              assertThat(rule.getFrom()).isNullOrEmpty();
            });

    RenderedChart fromMonitoring =
        RenderedChart.render(
            """
            networkPolicies:
              enabled: true
              metricsFrom:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
            """);
    assertThat(operatorPolicy(fromMonitoring).getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule ->
                assertThat(rule.getFrom())
                    .singleElement()
                    .satisfies(
                        peer ->
                            assertThat(peer.getNamespaceSelector().getMatchLabels())
                                .containsExactly(
                                    Map.entry("kubernetes.io/metadata.name", "monitoring"))));
  }

  @Test
  void operatorReachesOnlyDnsTheApiServerKafkaConnectAndTheDatabases() {
    List<NetworkPolicyEgressRule> egress = operatorPolicy(ON).getSpec().getEgress();

    assertThat(egress)
        .extracting(rule -> ports(rule.getPorts()))
        .containsExactly(
            List.of("UDP/53", "TCP/53"),
            List.of("TCP/443", "TCP/6443"),
            List.of("TCP/9092", "TCP/9093"),
            List.of("TCP/8083"),
            List.of("TCP/3306", "TCP/5432"));
    assertIsClusterDns(egress.get(0));
    assertThat(egress.get(1).getTo()).as("API server: any address by default").isNullOrEmpty();
    assertStrimziPodsInAnyNamespace(egress.get(2), "Kafka");
    assertStrimziPodsInAnyNamespace(egress.get(3), "KafkaConnect");
    assertThat(egress.get(4).getTo()).as("databases: any address by default").isNullOrEmpty();
  }

  @Test
  void operatorEgressNarrowsToTheGivenAddressesNamespacesAndPeers() {
    RenderedChart chart =
        RenderedChart.render(
            """
            networkPolicies:
              enabled: true
              kafka:
                ports: [9094]
                namespaces: [kafka]
                extraPeers: [{ipBlock: {cidr: 10.30.0.0/16}}]
              operator:
                apiServer: {ports: [6443], cidrs: [172.18.0.2/32]}
                connect: {namespaces: [connect]}
                databases:
                  ports: [3307]
                  peers:
                    - ipBlock: {cidr: 10.20.0.0/24}
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: databases}}
                      podSelector: {matchLabels: {app: mariadb}}
            """);
    List<NetworkPolicyEgressRule> egress = operatorPolicy(chart).getSpec().getEgress();

    assertThat(egress)
        .extracting(rule -> ports(rule.getPorts()))
        .containsExactly(
            List.of("UDP/53", "TCP/53"),
            List.of("TCP/6443"),
            List.of("TCP/9094"),
            List.of("TCP/8083"),
            List.of("TCP/3307"));
    assertThat(egress.get(1).getTo())
        .extracting(NetworkPolicyPeer::getIpBlock)
        .extracting(IPBlock::getCidr)
        .containsExactly("172.18.0.2/32");
    assertThat(egress.get(2).getTo()).hasSize(2);
    assertStrimziPodsIn(egress.get(2).getTo().get(0), "kafka", "Kafka");
    assertThat(egress.get(2).getTo().get(1).getIpBlock().getCidr()).isEqualTo("10.30.0.0/16");
    assertThat(egress.get(3).getTo())
        .singleElement()
        .satisfies(peer -> assertStrimziPodsIn(peer, "connect", "KafkaConnect"));
    assertThat(egress.get(4).getTo()).hasSize(2);
    assertThat(egress.get(4).getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.20.0.0/24");
    assertThat(egress.get(4).getTo().get(1).getPodSelector().getMatchLabels())
        .containsExactly(Map.entry("app", "mariadb"));
  }

  @Test
  void defaultPortsAreThePortsTheOperatorConnectsToWhenTheSpecNamesNone() {
    List<NetworkPolicyEgressRule> egress = operatorPolicy(ON).getSpec().getEgress();

    for (CdcPipeline pipeline : List.of(pipeline(""), pipeline(", tls: {}"))) {
      assertThat(ports(egress.get(2).getPorts()))
          .contains(
              "TCP/" + port(ResourceNames.operatorBootstrapServers(pipeline)),
              "TCP/" + port(ResourceNames.bootstrapServers(pipeline)));
    }
    String connectUrl =
        env(ON.operatorDeployment(), OperatorEnv.CONNECT_API_URL)
            .replace("{connectCluster}", "c")
            .replace("{namespace}", "ns");
    assertThat(ports(egress.get(3).getPorts()))
        .containsExactly("TCP/" + URI.create(connectUrl).getPort());
    for (SourceType type : SourceType.values()) {
      assertThat(ports(egress.get(4).getPorts())).contains("TCP/" + type.defaultPort());
    }
  }

  @Test
  void dedupPolicyInEachListedNamespaceSelectsThePodsTheOperatorCreates() {
    List<NetworkPolicy> policies = dedupPolicies(ON);
    assertThat(policies)
        .extracting(p -> p.getMetadata().getNamespace())
        .containsExactly("shop", "billing");

    Deployment dedup = DesiredResources.of(pipeline("")).dedup();
    Map<String, String> podLabels = dedup.getSpec().getTemplate().getMetadata().getLabels();
    List<String> portNames =
        dedup.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
            .map(ContainerPort::getName)
            .toList();
    for (NetworkPolicy policy : policies) {
      Map<String, String> selector = policy.getSpec().getPodSelector().getMatchLabels();
      assertThat(selector).containsEntry(Labels.COMPONENT, Labels.DEDUP);
      assertThat(podLabels).containsAllEntriesOf(selector);
      assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
      assertThat(policy.getSpec().getIngress())
          .singleElement()
          .satisfies(
              rule -> {
                assertThat(ports(rule.getPorts()))
                    .containsExactly("TCP/" + DedupWorkload.METRICS_PORT_NAME);
                assertThat(portNames).contains(DedupWorkload.METRICS_PORT_NAME);
                assertThat(rule.getFrom()).isNullOrEmpty();
              });
      List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
      assertThat(egress)
          .extracting(rule -> ports(rule.getPorts()))
          .containsExactly(List.of("UDP/53", "TCP/53"), List.of("TCP/9092", "TCP/9093"));
      assertIsClusterDns(egress.get(0));
      assertStrimziPodsInAnyNamespace(egress.get(1), "Kafka");
    }
  }

  @Test
  void dedupSelectorLeavesTheOperatorAndTheWebhookPodsAlone() {
    Map<String, String> selector =
        dedupPolicies(ON).get(0).getSpec().getPodSelector().getMatchLabels();
    ErpWebhook webhook = new ErpWebhook();
    webhook.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("shop").build());

    // The webhook receiver takes the ERP's calls: a dedup policy on it would cut them off.
    for (Map<String, String> others :
        List.of(
            WebhookLabels.pods(webhook, WebhookLabels.RECEIVER),
            WebhookLabels.pods(webhook, WebhookLabels.DEDUP),
            ON.operatorDeployment().getSpec().getTemplate().getMetadata().getLabels())) {
      assertThat(others.entrySet().containsAll(selector.entrySet()))
          .as(others.toString())
          .isFalse();
    }
  }

  @Test
  void dedupNamespacesDefaultToTheWatchedOnesAndToNoneWhenAllAreWatched() {
    RenderedChart watched =
        RenderedChart.render(
            """
            watch: {mode: namespaces, namespaces: [shop, billing-eu]}
            networkPolicies: {enabled: true}
            """);
    assertThat(dedupPolicies(watched))
        .extracting(p -> p.getMetadata().getNamespace())
        .containsExactly("shop", "billing-eu");

    RenderedChart all = RenderedChart.render("networkPolicies: {enabled: true}");
    assertThat(all.all(NetworkPolicy.class))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly(OPERATOR_POLICY);
  }

  @Test
  void metricsFromAppliesToTheDedupPodsToo() {
    RenderedChart chart =
        RenderedChart.render(
            """
            networkPolicies:
              enabled: true
              metricsFrom: [{podSelector: {matchLabels: {app: prometheus}}}]
              dedup: {namespaces: [shop]}
            """);
    assertThat(dedupPolicies(chart).get(0).getSpec().getIngress().get(0).getFrom())
        .singleElement()
        .satisfies(
            peer ->
                assertThat(peer.getPodSelector().getMatchLabels())
                    .containsExactly(Map.entry("app", "prometheus")));
  }

  private static NetworkPolicy operatorPolicy(RenderedChart chart) {
    return chart.find(NetworkPolicy.class, OPERATOR_POLICY).orElseThrow();
  }

  private static List<NetworkPolicy> dedupPolicies(RenderedChart chart) {
    return chart.all(NetworkPolicy.class).stream()
        .filter(p -> p.getMetadata().getName().equals(DEDUP_POLICY))
        .toList();
  }

  /** "PROTOCOL/port" for each port of a rule, the port being a number or a name. */
  private static List<String> ports(List<NetworkPolicyPort> ports) {
    return ports.stream()
        .map(
            p ->
                p.getProtocol()
                    + "/"
                    + (p.getPort().getIntVal() != null
                        ? p.getPort().getIntVal().toString()
                        : p.getPort().getStrVal()))
        .toList();
  }

  private static void assertIsClusterDns(NetworkPolicyEgressRule rule) {
    assertThat(rule.getTo())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getNamespaceSelector().getMatchLabels())
                  .containsExactly(Map.entry("kubernetes.io/metadata.name", "kube-system"));
              assertThat(peer.getPodSelector().getMatchLabels())
                  .containsExactly(Map.entry("k8s-app", "kube-dns"));
            });
  }

  private static void assertStrimziPodsInAnyNamespace(NetworkPolicyEgressRule rule, String kind) {
    assertThat(rule.getTo())
        .singleElement()
        .satisfies(
            peer -> {
              LabelSelector namespaces = peer.getNamespaceSelector();
              assertThat(namespaces).as("an empty namespaceSelector: every namespace").isNotNull();
              assertThat(namespaces.getMatchLabels()).isNullOrEmpty();
              assertThat(namespaces.getMatchExpressions()).isNullOrEmpty();
              assertThat(peer.getPodSelector().getMatchLabels())
                  .containsExactly(Map.entry("strimzi.io/kind", kind));
            });
  }

  private static void assertStrimziPodsIn(NetworkPolicyPeer peer, String namespace, String kind) {
    assertThat(peer.getNamespaceSelector().getMatchLabels())
        .containsExactly(Map.entry("kubernetes.io/metadata.name", namespace));
    assertThat(peer.getPodSelector().getMatchLabels())
        .containsExactly(Map.entry("strimzi.io/kind", kind));
  }

  private static String env(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }

  private static int port(String bootstrapServers) {
    return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
  }

  private static CdcPipeline pipeline(String kafkaExtra) {
    return new KubernetesSerialization()
        .unmarshal(
            """
            apiVersion: cdc.twinlog.io/v1alpha1
            kind: CdcPipeline
            metadata: {name: orders, namespace: shop, uid: 00000000-0000-0000-0000-000000000001}
            spec:
              kafka: {cluster: main, connectCluster: cdc-connect%s}
              source:
                type: mariadb
                include: {databases: [shop], tables: [shop.orders]}
                credentials: {secretName: cdc-db}
                replicas:
                  - {name: replica-a, host: db-a, port: 3306, serverId: 5401}
                  - {name: replica-b, host: db-b, port: 3306, serverId: 5402}
              dedup: {window: 48h, instances: 2}
            """
                .formatted(kafkaExtra),
            CdcPipeline.class);
  }
}
