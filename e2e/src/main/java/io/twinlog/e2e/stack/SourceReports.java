package io.twinlog.e2e.stack;

import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.testkit.ConnectRest;
import io.twinlog.testkit.ConnectRest.ConnectorOffset;
import io.twinlog.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/**
 * What the scenarios with sources out of step read and print beside the ERP check: the runtime's
 * anomalies, SourcesHealthy's words about one source, a source's events of some rows, and a
 * connector's committed offset inside a transaction.
 */
public final class SourceReports {
  private SourceReports() {}

  /**
   * Keeps the first committed offset of {@code connector} that lies inside the transaction after
   * GTID position {@code before}: its {@code gtids} is that position and it counts emitted events.
   */
  public static void keepMidTransactionOffset(
      ConnectRest connect, String connector, String before, AtomicReference<ConnectorOffset> kept) {
    if (kept.get() != null) {
      return;
    }
    try {
      for (ConnectorOffset o : connect.offsets(connector)) {
        if (o.offset() != null
            && before.equals(o.offset().get("gtids"))
            && o.offset().containsKey("event")) {
          kept.compareAndSet(null, o);
        }
      }
    } catch (RuntimeException e) {
      // Connect answers 409 during a rebalance; the next poll asks again
    }
  }

  /** The updates of orders {@code ids} in a source topic: id, flag, gtid, total_order, offset. */
  public static List<String> flipEvents(EmbeddedKafka kafka, String topic, List<Integer> ids) {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (var record : kafka.consume(topic, Integer.MAX_VALUE, Duration.ofSeconds(5))) {
      if (record.value() == null) {
        continue; // the tombstone after a delete
      }
      try {
        var value = mapper.readTree(record.value());
        var after = value.path("after");
        if (!ids.contains(after.path("id").asInt(-1)) || !"u".equals(value.path("op").asText())) {
          continue;
        }
        lines.add(
            String.format(
                "id=%s flag=%s gtid=%s total_order=%s (offset %d)",
                after.path("id").asText(),
                after.path("flag").asText(),
                value.path("source").path("gtid").asText(),
                value.path("transaction").path("total_order").asText(),
                record.offset()));
      } catch (java.io.IOException e) {
        lines.add("unreadable: " + e);
      }
    }
    return lines;
  }

  /**
   * The {@code transaction.total_order} of each update of order {@code id} in transaction {@code
   * gtid}, in the order the source topic holds them.
   */
  public static List<Long> totalOrders(EmbeddedKafka kafka, String topic, String gtid, int id) {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<Long> orders = new ArrayList<>();
    for (var record : kafka.consume(topic, Integer.MAX_VALUE, Duration.ofSeconds(5))) {
      if (record.value() == null) {
        continue;
      }
      try {
        var value = mapper.readTree(record.value());
        if ("u".equals(value.path("op").asText())
            && value.path("after").path("id").asInt(-1) == id
            && gtid.equals(value.path("source").path("gtid").asText())) {
          orders.add(value.path("transaction").path("total_order").asLong());
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return orders;
  }

  /** Prints the anomaly counter and the first records of each source and kind. */
  public static void printAnomalies(PipelineRun run) {
    System.out.println("E2E   twinlog_dedup_anomalies_total " + run.anomalyCounts());
    Map<String, Integer> shown = new LinkedHashMap<>();
    for (DedupAnomalyRecord a : run.anomalies()) {
      if (shown.merge(a.key(), 1, Integer::sum) <= 2) {
        System.out.println(
            "E2E   anomaly record "
                + a.source()
                + " "
                + a.kind()
                + " gtids="
                + a.gtids()
                + ": "
                + a.message());
      }
    }
    System.out.println("E2E   anomaly records per source|kind " + shown);
  }

  /** The part of a SourcesHealthy message about {@code replica} ("replica-b (connector): ..."). */
  static String sourcePart(String message, String replica) {
    int from = message.indexOf(replica + " (");
    if (from < 0) {
      return "";
    }
    java.util.regex.Matcher next =
        java.util.regex.Pattern.compile(" replica-[a-z] \\(").matcher(message);
    int to = next.find(from + 1) ? next.start() : message.length();
    return message.substring(from, to);
  }

  /**
   * Waits until SourcesHealthy names {@code replica} with an anomaly of one of {@code kinds}: as
   * its reason, or in its message (which names every held problem of every source even when another
   * reason wins).
   */
  public static Condition awaitSourceAnomaly(PipelineRun run, String replica, Set<String> kinds) {
    try {
      Awaitility.await("SourcesHealthy names " + replica + " with one of " + kinds)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  run.condition("SourcesHealthy")
                      .filter(c -> c.getMessage() != null)
                      .filter(
                          c ->
                              kinds.stream()
                                  .anyMatch(
                                      k ->
                                          sourcePart(c.getMessage(), replica)
                                              .contains("the dedup runtime reported " + k)))
                      .isPresent());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + run.describe(), e);
    }
    return run.condition("SourcesHealthy").orElseThrow();
  }
}
