package io.twinlog.dedup.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.twinlog.dedup.config.DedupConfig;
import io.twinlog.dedup.config.SourceSpec;
import io.twinlog.dedup.metrics.DedupMetrics;
import io.twinlog.dedup.processor.DedupProcessor;
import io.twinlog.dedup.processor.DedupStores;
import io.twinlog.dedup.processor.HeartbeatProcessor;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The runtime's Kafka Streams topology as a function of its configuration.
 *
 * <pre>
 *   &lt;prefix&gt;.&lt;db&gt;.&lt;table&gt; (every source, one pattern) -> dedup -> &lt;output prefix&gt;.&lt;db&gt;.&lt;table&gt;
 *                                                              \-> dead-letter topic
 *                                                              \-> anomaly topic (optional)
 *   __debezium-heartbeat.&lt;prefix&gt; -> heartbeat metrics
 * </pre>
 *
 * One sub-topology reads partition p of every source topic in one task, so the copies of a change
 * (same message key, so same partition) meet in the same state stores.
 */
public final class DedupTopology {
  private DedupTopology() {}

  /** The production topology with metrics kept in a private registry (tests, tools). */
  public static Topology build(DedupConfig config) {
    return build(
        config,
        new DedupMetrics(
            new SimpleMeterRegistry(),
            config.sources().stream().map(SourceSpec::name).toList(),
            config.windowMs()));
  }

  public static Topology build(DedupConfig config, DedupMetrics metrics) {
    TopicNames topics = new TopicNames(config);
    ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
    ByteArraySerializer bytesOut = new ByteArraySerializer();
    Topology topology = new Topology();
    topology.addSource(
        Topology.AutoOffsetReset.EARLIEST, "changes", bytesIn, bytesIn, topics.inputPattern());
    List<String> sourceNames = config.sources().stream().map(SourceSpec::name).toList();
    boolean anomalies = config.anomalyTopic() != null;
    topology.addProcessor(
        "dedup",
        () ->
            new DedupProcessor(
                topics, metrics, sourceNames, config.windowMs(), config.alignHoldMs(), anomalies),
        "changes");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DedupStores.PROGRESS),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        "dedup");
    topology.addStateStore(
        Stores.windowStoreBuilder(
                Stores.persistentWindowStore(
                    DedupStores.SEEN,
                    Duration.ofMillis(config.windowMs()),
                    Duration.ofMillis(1),
                    false),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        "dedup");
    topology.addSink(
        DedupProcessor.OUTPUT,
        (key, value, context) -> topics.outputTopic(DedupProcessor.outputTable()),
        bytesOut,
        bytesOut,
        "dedup");
    topology.addSink(
        DedupProcessor.DEAD_LETTERS, config.deadLetterTopic(), bytesOut, bytesOut, "dedup");
    if (anomalies) {
      topology.addSink(
          DedupProcessor.ANOMALIES, config.anomalyTopic(), bytesOut, bytesOut, "dedup");
    }

    topology.addSource(
        Topology.AutoOffsetReset.LATEST, "heartbeats", bytesIn, bytesIn, topics.heartbeatPattern());
    topology.addProcessor(
        "heartbeat-metrics", () -> new HeartbeatProcessor(topics, metrics), "heartbeats");
    return topology;
  }
}
