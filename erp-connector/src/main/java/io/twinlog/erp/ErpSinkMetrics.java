package io.twinlog.erp;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.utils.Sanitizer;

/**
 * A task's delivery metrics as one JMX MBean named like Connect's own ({@code
 * kafka.connect:type=erp-sink-task-metrics,connector=NAME,task=N}), so Strimzi's JMX exporter rules
 * for {@code kafka.connect} pick them up.
 */
public final class ErpSinkMetrics implements DynamicMBean {
  static final String DOMAIN = "kafka.connect";
  static final String TYPE = "erp-sink-task-metrics";

  final AtomicLong sent = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  final AtomicLong deadLettered = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong requestsFailed = new AtomicLong();
  final AtomicLong inFlightRequests = new AtomicLong();
  final AtomicLong pendingRecords = new AtomicLong();
  final LatencyHistogram latency = new LatencyHistogram();

  /**
   * From a record's Kafka timestamp to the ERP's acknowledgement: for an ErpWebhook the webhook's
   * arrival (its topic uses LogAppendTime) to the system's 2xx (docs/concepts/webhooks.md).
   */
  final LatencyHistogram endToEnd = new LatencyHistogram();

  private final Map<String, Supplier<Object>> attributes = new LinkedHashMap<>();
  private final Map<String, String> descriptions = new LinkedHashMap<>();
  private final ObjectName name;
  private boolean registered;

  public ErpSinkMetrics(String connector, String task) {
    try {
      this.name =
          new ObjectName(
              DOMAIN
                  + ":type="
                  + TYPE
                  + ",connector="
                  + Sanitizer.jmxSanitize(connector)
                  + ",task="
                  + Sanitizer.jmxSanitize(task));
    } catch (JMException e) {
      throw new IllegalArgumentException("cannot name the metrics MBean", e);
    }
    attribute("records-sent-total", "Records the ERP acknowledged (2xx).", sent::get);
    attribute("records-retried-total", "Record sends that will be retried.", retried::get);
    attribute(
        "records-dead-lettered-total", "Records sent to the dead-letter topic.", deadLettered::get);
    attribute("records-skipped-total", "Tombstones skipped by configuration.", skipped::get);
    attribute("requests-total", "HTTP requests sent.", requests::get);
    attribute("requests-failed-total", "Requests without a 2xx answer.", requestsFailed::get);
    attribute("requests-in-flight", "Requests awaiting an answer now.", inFlightRequests::get);
    attribute("records-pending", "Records received but not yet acknowledged.", pendingRecords::get);
    attribute("request-latency-count", "Requests measured.", latency::count);
    attribute("request-latency-sum-ms", "Sum of request latencies in ms.", latency::sumMs);
    attribute("request-latency-avg-ms", "Mean request latency in ms.", latency::avgMs);
    attribute("request-latency-max-ms", "Longest request latency in ms.", latency::maxMs);
    for (int i = 0; i < LatencyHistogram.BOUNDS_MS.length; i++) {
      int index = i;
      long bound = LatencyHistogram.BOUNDS_MS[i];
      attribute(
          "request-latency-le-" + bound + "ms-count",
          "Requests answered within " + bound + " ms (cumulative histogram bucket).",
          () -> latency.cumulative(index));
    }
    histogram("record-end-to-end-latency", "Records acknowledged", endToEnd);
  }

  private void histogram(String prefix, String what, LatencyHistogram histogram) {
    attribute(prefix + "-count", what + " measured.", histogram::count);
    attribute(prefix + "-sum-ms", "Sum of " + what + " latencies in ms.", histogram::sumMs);
    attribute(prefix + "-avg-ms", "Mean " + what + " latency in ms.", histogram::avgMs);
    attribute(prefix + "-max-ms", "Longest " + what + " latency in ms.", histogram::maxMs);
    for (int i = 0; i < LatencyHistogram.BOUNDS_MS.length; i++) {
      int index = i;
      long bound = LatencyHistogram.BOUNDS_MS[i];
      attribute(
          prefix + "-le-" + bound + "ms-count",
          what + " within " + bound + " ms (cumulative histogram bucket).",
          () -> histogram.cumulative(index));
    }
  }

  private void attribute(String attribute, String description, Supplier<Object> value) {
    attributes.put(attribute, value);
    descriptions.put(attribute, description);
  }

  public ObjectName objectName() {
    return name;
  }

  /** Registers the MBean, replacing one a previous run of the same task left behind. */
  public synchronized void register() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(this, name);
      registered = true;
    } catch (JMException e) {
      throw new IllegalStateException("cannot register " + name, e);
    }
  }

  public synchronized void unregister() {
    if (!registered) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (JMException e) {
      // Already gone; nothing to clean up.
    }
    registered = false;
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    Supplier<Object> value = attributes.get(attribute);
    if (value == null) {
      throw new AttributeNotFoundException(attribute);
    }
    return value.get();
  }

  @Override
  public void setAttribute(Attribute attribute) {
    throw new UnsupportedOperationException("metrics are read-only");
  }

  @Override
  public AttributeList getAttributes(String[] names) {
    AttributeList list = new AttributeList();
    for (String attribute : names) {
      Supplier<Object> value = attributes.get(attribute);
      if (value != null) {
        list.add(new Attribute(attribute, value.get()));
      }
    }
    return list;
  }

  @Override
  public AttributeList setAttributes(AttributeList list) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String action, Object[] params, String[] signature) {
    throw new UnsupportedOperationException("no operations");
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    List<MBeanAttributeInfo> infos = new ArrayList<>();
    attributes.forEach(
        (attribute, value) -> {
          Object sample = value.get();
          String type = sample instanceof Double ? "double" : "long";
          infos.add(
              new MBeanAttributeInfo(
                  attribute, type, descriptions.get(attribute), true, false, false));
        });
    return new MBeanInfo(
        getClass().getName(),
        "ERP sink task delivery metrics",
        infos.toArray(MBeanAttributeInfo[]::new),
        null,
        null,
        null);
  }
}
