package io.twinlog.webhook.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up readiness gate: true once the producer has fetched the topic's metadata, i.e. it
 * reached Kafka and the topic exists. A pod that never gets there (wrong bootstrap servers, no
 * topic, no permission) stays unready, so a rolling update stops at it instead of replacing working
 * pods by ones that answer 503 to everything. After that the gate stays open: a Kafka outage is
 * answered with 503 by every pod alike (docs/concepts/webhooks.md, section Answers).
 */
public final class TopicReachable implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicReachable.class);

  private final AtomicBoolean reached = new AtomicBoolean();
  private final Thread prober;

  public TopicReachable(Producer<?, ?> producer, String topic, Duration retryAfter) {
    prober =
        Thread.ofVirtual()
            .name("twinlog-webhook-topic-probe")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      // Blocks up to max.block.ms for the metadata, then throws.
                      producer.partitionsFor(topic);
                      reached.set(true);
                      LOG.info("topic {} reachable: ready for webhooks", topic);
                      return;
                    } catch (KafkaException e) {
                      LOG.warn("topic {} not reachable yet, not ready: {}", topic, e.toString());
                    }
                    try {
                      Thread.sleep(retryAfter); // a retry pace, not a wait for a condition
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  public boolean reached() {
    return reached.get();
  }

  @Override
  public void close() {
    prober.interrupt();
  }
}
