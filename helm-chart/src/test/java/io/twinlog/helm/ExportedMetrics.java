package io.twinlog.helm;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.metrics.DedupMetrics;
import io.twinlog.erp.ErpSinkMetrics;
import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.reconciler.ConditionGauges;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.management.MBeanAttributeInfo;

/** The Prometheus metric names Twinlog's components really export, read off their code. */
final class ExportedMetrics {
  private ExportedMetrics() {}

  /**
   * Strimzi's example JMX exporter rule for Kafka Connect task MBeans ({@code
   * kafka.connect<type=(.+)-metrics, connector=(.+), task=(.+)><>(...)}, lowercased, named {@code
   * kafka_connect_$1_$4}): which attributes it exports.
   */
  private static final Pattern STRIMZI_CONNECT_TASK_ATTRIBUTE =
      Pattern.compile(
          ".+-total|.+-count|.+-ms|.+-ratio|.+-seconds-avg|.+-rate|.+-avg|.+-max|.+-min");

  /** Names scraped from a dedup runtime whose every meter has been touched once. */
  static Set<String> dedupRuntime() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DedupMetrics metrics = new DedupMetrics(registry, List.of("replica-a", "replica-b"), 60_000);
    metrics.recordIn("replica-a", "shop.orders");
    metrics.accepted("shop.orders", 'c', 1_000, 2_000);
    metrics.tombstoneOut("shop.orders");
    metrics.sentAcknowledged();
    metrics.duplicate("shop.orders", "other-source");
    metrics.deadLettered("dlq");
    metrics.anomaly("replica-a", AnomalyKind.LAG_BEYOND_WINDOW);
    metrics.heartbeat("replica-a", 1_000);
    metrics.sourceProgress("replica-a", 1_000);
    metrics.unregister();
    return scrapedNames(registry);
  }

  private static Set<String> scrapedNames(PrometheusMeterRegistry registry) {
    Set<String> names = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  /** Names scraped from the operator's own registry once a pipeline has a status. */
  static Set<String> operator() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CdcPipelineStatus status = new CdcPipelineStatus();
    status.setConditions(
        List.of(new Condition().withType("Ready").withStatus("True").withReason("Delivering")));
    new ConditionGauges(registry).update("shop", "orders", status);
    return scrapedNames(registry);
  }

  /** Names the ERP sink task's MBean gets through Strimzi's JMX exporter rule. */
  static Set<String> erpSink() {
    ErpSinkMetrics metrics = new ErpSinkMetrics("orders-erp", "0");
    String type = metrics.objectName().getKeyProperty("type");
    String prefix = "kafka_connect_" + type.substring(0, type.length() - "-metrics".length());
    Set<String> names = new TreeSet<>();
    for (MBeanAttributeInfo attribute : metrics.getMBeanInfo().getAttributes()) {
      if (STRIMZI_CONNECT_TASK_ATTRIBUTE.matcher(attribute.getName()).matches()) {
        names.add(sanitize(prefix + "_" + attribute.getName()));
      }
    }
    return names;
  }

  private static String sanitize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_:]", "_");
  }
}
