package io.twinlog.webhook.dedup;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The dedup step as a function of its configuration: input topic -> dedup -> output topic. */
public final class DedupStepTopology {
  private DedupStepTopology() {}

  public static Topology build(
      String inputTopic, String outputTopic, long windowMs, DedupStepMetrics metrics) {
    Duration window = Duration.ofMillis(windowMs);
    Topology topology = new Topology();
    topology.addSource(
        "webhooks",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        inputTopic);
    topology.addProcessor(
        "dedup-by-event-id", () -> new DedupByEventId(windowMs, metrics), "webhooks");
    // Window size 1 ms: each entry is a point in time, the window is in the lookup; retention is
    // what bounds the state (and its changelog) to one window of event ids.
    topology.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(SeenEvents.STORE, window, Duration.ofMillis(1), false),
            Serdes.String(),
            Serdes.ByteArray()),
        "dedup-by-event-id");
    topology.addSink(
        "deduplicated",
        outputTopic,
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        "dedup-by-event-id");
    return topology;
  }
}
