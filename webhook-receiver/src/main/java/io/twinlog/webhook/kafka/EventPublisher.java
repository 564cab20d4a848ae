package io.twinlog.webhook.kafka;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.WebhookReceiverEnv;
import io.twinlog.webhook.config.ReceiverConfig;
import io.twinlog.webhook.extract.WebhookEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes webhooks to the topic, keyed by entity, with the event id in the {@link
 * ChangeHeaders#CHANGE_ID} header. The producer is idempotent with {@code acks=all}: a completed
 * future means every in-sync replica has the record.
 */
public final class EventPublisher implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final byte[] source;
  private final Duration closeTimeout;

  public EventPublisher(ReceiverConfig config) {
    this(
        new KafkaProducer<>(
            producerProps(config), new ByteArraySerializer(), new ByteArraySerializer()),
        config.topic(),
        config.name(),
        config.ackTimeout());
  }

  EventPublisher(
      Producer<byte[], byte[]> producer, String topic, String source, Duration closeTimeout) {
    this.producer = producer;
    this.topic = topic;
    this.source = source.getBytes(StandardCharsets.UTF_8);
    this.closeTimeout = closeTimeout;
  }

  /**
   * The producer's settings: pass-through settings first, then what the receiver's promise rests
   * on, which they cannot change (idempotence, {@code acks=all}, a bounded delivery time).
   */
  public static Map<String, Object> producerProps(ReceiverConfig config) {
    int ackTimeoutMs = (int) config.ackTimeout().toMillis();
    int lingerMs = 2;
    Map<String, Object> props = new HashMap<>(config.kafka());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.name());
    // A few ms of batching costs little latency and lets concurrent requests share a round trip.
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    // The caller waits at most the ack timeout; the producer must give up by then too, or it
    // would write a record after its caller was told 503 (harmless, deduplicated, but needless).
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ackTimeoutMs);
    props.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, ackTimeoutMs - lingerMs(props)));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeoutMs);
    // Whatever the receiver admits must fit in one request: the body plus key and headers.
    props.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Math.max(1024 * 1024, config.maxBodyBytes() + WebhookReceiverEnv.RECORD_OVERHEAD_BYTES));
    return props;
  }

  private static int lingerMs(Map<String, Object> props) {
    return Integer.parseInt(props.get(ProducerConfig.LINGER_MS_CONFIG).toString());
  }

  /**
   * Sends one event; the future completes when Kafka acknowledged it, or exceptionally (also when
   * {@code send} itself fails, e.g. no metadata within {@code max.block.ms}).
   */
  public CompletableFuture<RecordMetadata> publish(WebhookEvent event) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            null,
            null,
            event.entityKey().getBytes(StandardCharsets.UTF_8),
            event.body(),
            List.of(
                new RecordHeader(
                    ChangeHeaders.CHANGE_ID, event.eventId().getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(ChangeHeaders.SOURCE, source)));
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              acked.complete(metadata);
            } else {
              acked.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }

  /** The producer, for metrics binding. */
  public Producer<byte[], byte[]> producer() {
    return producer;
  }

  /** Waits for what is in flight (up to the ack timeout), then closes. */
  @Override
  public void close() {
    producer.close(closeTimeout);
  }
}
