package io.twinlog.webhook.dedup;

import io.twinlog.contracts.ChangeHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Forwards the first copy of each event id and drops later copies within the window. Records keep
 * their key, value, timestamp and headers. A record without an event id cannot be a duplicate of
 * anything: it is forwarded and counted, never dropped.
 */
final class DedupByEventId implements Processor<byte[], byte[], byte[], byte[]> {
  private final long windowMs;
  private final DedupStepMetrics metrics;
  private ProcessorContext<byte[], byte[]> context;
  private SeenEvents seen;

  DedupByEventId(long windowMs, DedupStepMetrics metrics) {
    this.windowMs = windowMs;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    WindowStore<String, byte[]> store = context.getStateStore(SeenEvents.STORE);
    this.seen = new SeenEvents(store, windowMs);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.in();
    Header header = record.headers().lastHeader(ChangeHeaders.CHANGE_ID);
    String eventId =
        header == null || header.value() == null
            ? null
            : new String(header.value(), StandardCharsets.UTF_8);
    if (eventId == null || eventId.isBlank()) {
      metrics.withoutEventId();
      context.forward(record);
      return;
    }
    if (seen.isDuplicate(eventId, record.timestamp())) {
      metrics.duplicate();
      return;
    }
    seen.remember(eventId, record.timestamp());
    metrics.out();
    context.forward(record);
  }
}
