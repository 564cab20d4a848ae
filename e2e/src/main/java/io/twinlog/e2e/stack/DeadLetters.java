package io.twinlog.e2e.stack;

import io.twinlog.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Counts the records in dead-letter topics, read_committed (transaction markers not counted). */
final class DeadLetters {
  private DeadLetters() {}

  static long count(EmbeddedKafka kafka, List<String> topics) {
    Set<String> existing;
    try {
      existing = kafka.admin().listTopics().names().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    List<String> present = topics.stream().filter(existing::contains).toList();
    if (present.isEmpty()) {
      return 0;
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        kafka.bytesConsumer("twinlog-e2e-dlq-" + System.nanoTime())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : present) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long count = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      return count;
    }
  }
}
