package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** values.schema.json turns a bad value into a Helm error before anything is rendered. */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          replicas: -1                                           | replicas
          replicas: 0                                            | replicas
          replicas: "2"                                          | replicas
          watch: {mode: some}                                    | mode
          watch: {mode: namespaces}                              | namespaces
          watch: {mode: namespaces, namespaces: []}              | namespaces
          watch: {mode: namespaces, namespaces: [Shop_NS]}       | namespaces
          watch: {mode: all, namespaces: [shop]}                 | namespaces
          image: {pullPolicy: Sometimes}                         | pullPolicy
          dedupImage: {repository: ''}                           | repository
          dedupImage: {digest: 'sha256:xyz'}                     | digest
          securityContext: {readOnlyRootFilesystem: false}       | readOnlyRootFilesystem
          securityContext: {allowPrivilegeEscalation: true}      | allowPrivilegeEscalation
          podSecurityContext: {runAsNonRoot: false}              | runAsNonRoot
          logLevel: verbose                                      | logLevel
          httpPort: 80                                           | httpPort
          replicaCount: 2                                        | replicaCount
          prometheusRule: {for: {notReady: soon}}                | notReady
          extraEnv: [{name: TWINLOG_DEDUP_IMAGE, value: x}]      | extraEnv
          connectSecretAccess: [{namespace: shop, secrets: [a]}] | connectCluster
          connectSecretAccess: [{namespace: shop, connectCluster: c, secrets: []}] | secrets
          resources: {limits: {memory: lots}}                    | memory
          networkPolicies: {enabled: "yes"}                      | enabled
          networkPolicies: {egress: []}                          | egress
          networkPolicies: {kafka: {ports: []}}                  | ports
          networkPolicies: {operator: {databases: {ports: [0]}}} | ports
          networkPolicies: {operator: {apiServer: {cidrs: [10.0.0.1]}}} | cidrs
          networkPolicies: {dedup: {namespaces: [Shop]}}         | namespaces
          networkPolicies: {metricsFrom: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]} | metricsFrom
          networkPolicies: {dns: {peers: [{podSelector: {app: dns}}]}} | peers
          """)
  void rejects(String values, String offendingKey) {
    assertThatThrownBy(() -> RenderedChart.render(values))
        .hasMessageContaining("schema")
        .hasMessageContaining(offendingKey);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "replicas: 5",
        "resources: {requests: {cpu: 1, memory: 300Mi}, limits: {cpu: 500m, memory: 1Gi}}",
        "watch: {mode: namespaces, namespaces: [shop, billing-eu]}",
        "image: {tag: 1.2.3-rc.1, pullPolicy: Always}",
        "extraEnv: [{name: HTTPS_PROXY, value: 'http://proxy:3128'}]",
        "prometheusRule: {enabled: true, for: {notReady: 1h30m}, dedupLagSeconds: 3600}",
        "connectSecretAccess: [{namespace: shop, connectCluster: cdc-connect, connectNamespace: kafka, secrets: [cdc-db, erp-token]}]",
        "networkPolicies: {enabled: true, dns: {peers: [], ports: [53, 5353]}, operator: {databases: {ports: [3306, 3307], peers: [{ipBlock: {cidr: 10.20.0.0/24, except: [10.20.0.9/32]}}, {namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [data]}]}}]}}, dedup: {namespaces: [shop]}}"
      })
  void accepts(String values) {
    assertThatCode(() -> RenderedChart.render(values)).doesNotThrowAnyException();
  }
}
