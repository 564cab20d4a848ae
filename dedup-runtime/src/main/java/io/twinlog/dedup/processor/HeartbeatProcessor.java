package io.twinlog.dedup.processor;

import io.twinlog.dedup.config.SourceSpec;
import io.twinlog.dedup.metrics.DedupMetrics;
import io.twinlog.dedup.topology.TopicNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Notes each source's Debezium heartbeats for the heartbeat-age metric: a source whose binlog
 * client silently disconnected stops heartbeating while Connect still reports it RUNNING.
 */
public final class HeartbeatProcessor implements Processor<byte[], byte[], Void, Void> {
  private final TopicNames topics;
  private final DedupMetrics metrics;
  private ProcessorContext<Void, Void> context;

  public HeartbeatProcessor(TopicNames topics, DedupMetrics metrics) {
    this.topics = topics;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    context
        .recordMetadata()
        .map(m -> topics.heartbeatSource(m.topic()))
        .map(SourceSpec::name)
        .ifPresent(source -> metrics.heartbeat(source, System.currentTimeMillis()));
  }
}
