package io.twinlog.dedup.metrics;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Producer interceptor counting records the broker acknowledged on output topics: the "sent" half
 * of the stored-versus-sent check.
 */
public class OutputAcknowledgements implements ProducerInterceptor<byte[], byte[]> {
  /** Producer config carrying {@link DedupMetrics#id()}. */
  public static final String METRICS_ID = "twinlog.metrics.id";

  /** Producer config carrying the output topic prefix including its trailing dot. */
  public static final String OUTPUT_PREFIX = "twinlog.output.prefix";

  private DedupMetrics metrics;
  private String outputPrefix = "";

  @Override
  public void configure(Map<String, ?> configs) {
    Object id = configs.get(METRICS_ID);
    metrics = id == null ? null : DedupMetrics.byId(id.toString());
    Object prefix = configs.get(OUTPUT_PREFIX);
    outputPrefix = prefix == null ? "" : prefix.toString();
  }

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    if (metrics != null
        && exception == null
        && metadata != null
        && metadata.topic().startsWith(outputPrefix)
        && !metadata.topic().endsWith("-changelog")) {
      metrics.sentAcknowledged();
    }
  }

  @Override
  public void close() {}
}
