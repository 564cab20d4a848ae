package io.twinlog.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.desired.DesiredResources;
import io.twinlog.operator.desired.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitoring parts only name what exists: metrics the dedup runtime and the ERP sink export
 * (read off their code), pod labels and the port the operator puts on the dedup pods.
 */
class MonitoringTest {
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:twinlog|kafka_connect)_[a-z0-9_]+)\\b");
  private static final RenderedChart CHART =
      RenderedChart.render(
          """
          metrics:
            serviceMonitor: {enabled: true}
            dedupPodMonitor: {enabled: true}
          prometheusRule: {enabled: true}
          grafanaDashboard: {enabled: true}
          """);

  @Test
  void alertsAndDashboardNameOnlyExportedMetrics() throws Exception {
    Set<String> exported = new TreeSet<>(ExportedMetrics.dedupRuntime());
    exported.addAll(ExportedMetrics.erpSink());
    exported.addAll(ExportedMetrics.operator());

    Set<String> referenced = new TreeSet<>();
    for (String expr : ruleExpressions()) {
      referenced.addAll(metricsIn(expr));
    }
    for (String expr : dashboardExpressions()) {
      referenced.addAll(metricsIn(expr));
    }

    assertThat(referenced).isNotEmpty().isSubsetOf(exported);
  }

  @Test
  void everyAlertTheIssueAsksForIsThere() {
    RenderedChart withConditions =
        RenderedChart.render("prometheusRule: {enabled: true, conditionAlerts: true}");
    assertThat(alertNames(withConditions))
        .contains(
            "TwinlogPipelineNotReady",
            "TwinlogSourceStalled",
            "TwinlogBinlogRetentionShort",
            "TwinlogDeadLettersGrowing",
            "TwinlogErpDeadLettersGrowing",
            "TwinlogDedupLagNearWindow");
  }

  @Test
  void dedupPodMonitorSelectsThePodsTheOperatorCreatesAndScrapesTheirPort() {
    GenericKubernetesResource monitor =
        (GenericKubernetesResource) CHART.ofKind("PodMonitor").get(0);
    Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
    List<String> targetLabels = monitor.get("spec", "podTargetLabels");
    List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");

    Deployment dedup = DesiredResources.of(samplePipeline()).dedup();
    Map<String, String> podLabels = dedup.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels)
        .containsAllEntriesOf(selector)
        .containsKeys(targetLabels.toArray(String[]::new));
    assertThat(targetLabels).containsExactly(Labels.PIPELINE);
    assertThat(dedup.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .extracting(p -> p.getName())
        .contains((String) endpoints.get(0).get("port"));
  }

  @Test
  void dashboardFiltersOnThePipelineLabelThePodMonitorCopies() throws Exception {
    String promLabel = Labels.PIPELINE.replaceAll("[^a-zA-Z0-9_]", "_");
    JsonNode dashboard = dashboard();
    assertThat(dashboard.at("/templating/list/2/query/query").asText()).endsWith(promLabel + ")");
  }

  private static CdcPipeline samplePipeline() {
    return new KubernetesSerialization()
        .unmarshal(
            """
            apiVersion: cdc.twinlog.io/v1alpha1
            kind: CdcPipeline
            metadata: {name: orders, namespace: shop, uid: 00000000-0000-0000-0000-000000000001}
            spec:
              kafka: {cluster: main, connectCluster: cdc-connect}
              source:
                type: mariadb
                include: {databases: [shop], tables: [shop.orders]}
                credentials: {secretName: cdc-db}
                replicas:
                  - {name: replica-a, host: db-a, port: 3306, serverId: 5401}
                  - {name: replica-b, host: db-b, port: 3306, serverId: 5402}
              dedup: {window: 48h, instances: 2}
            """,
            CdcPipeline.class);
  }

  private static List<String> ruleExpressions() {
    RenderedChart all = RenderedChart.render("prometheusRule: {enabled: true}");
    GenericKubernetesResource rule =
        (GenericKubernetesResource) all.ofKind("PrometheusRule").get(0);
    List<Map<String, Object>> groups = rule.get("spec", "groups");
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> group : groups) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
      rules.forEach(r -> exprs.add(String.valueOf(r.get("expr"))));
    }
    return exprs;
  }

  private static Set<String> alertNames(RenderedChart chart) {
    GenericKubernetesResource rule =
        (GenericKubernetesResource) chart.ofKind("PrometheusRule").get(0);
    List<Map<String, Object>> groups = rule.get("spec", "groups");
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> group : groups) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
      rules.forEach(r -> names.add(String.valueOf(r.get("alert"))));
    }
    return names;
  }

  private static JsonNode dashboard() throws Exception {
    ConfigMap configMap =
        CHART.all(ConfigMap.class).stream()
            .filter(c -> c.getData() != null && c.getData().containsKey("twinlog.json"))
            .findFirst()
            .orElseThrow();
    return new ObjectMapper().readTree(configMap.getData().get("twinlog.json"));
  }

  private static List<String> dashboardExpressions() throws Exception {
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard().get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard().at("/templating/list")) {
      if (variable.path("query").has("query")) {
        exprs.add(variable.at("/query/query").asText());
      }
    }
    return exprs;
  }

  /** Metric names in a PromQL expression: label matchers and grouping labels removed first. */
  static Set<String> metricsIn(String expr) {
    String withoutLabels =
        expr.replaceAll("\\{[^}]*}", "")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
            .replaceAll("label_values\\(([^,]*),[^)]*\\)", "$1");
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(withoutLabels);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
