package io.twinlog.erp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers records to the ERP. {@link #put} returns only when every record it was given is
 * acknowledged or dead-lettered; otherwise it asks Connect to hand the same batch back after the
 * next backoff, skipping what is already done, so offsets Connect commits are always delivered.
 */
public class ErpSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(ErpSinkTask.class);

  /** Internal task setting: the task's index, for the metrics MBean name. */
  static final String TASK_INDEX = "twinlog.erp.task.index";

  /** Longest stretch a put sends new requests before giving the worker its thread back. */
  static final long YIELD_AFTER_MS = 30_000;

  private record Position(TopicPartition partition, long offset) {}

  private ErpHttpClient http;
  private ChangeMapper mapper;
  private DeadLetters deadLetters;
  private Dispatcher dispatcher;
  private ErpSinkMetrics metrics;

  /** Per partition: every offset below this was acknowledged or dead-lettered by this task. */
  private final Map<TopicPartition, Long> doneBelow = new HashMap<>();

  /** Records of the batch being retried, by position, so a redelivery keeps their state. */
  private final Map<Position, Pending> inProgress = new HashMap<>();

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    ErpSinkConfig config = new ErpSinkConfig(props);
    http = new ErpHttpClient(config);
    metrics =
        new ErpSinkMetrics(
            props.getOrDefault("name", "erp-sink"), props.getOrDefault(TASK_INDEX, "0"));
    metrics.register();
    mapper = new ChangeMapper(config.bodyFormat(), config.tombstones());
    deadLetters = new DeadLetters(this::reporter);
    dispatcher =
        new Dispatcher(
            http,
            new Dispatcher.Settings(
                config.maxInFlightRequests(),
                config.batchMaxRecords(),
                config.batchMaxBytes(),
                config.retryMaxAttempts(),
                config.backoff(),
                config.timeoutMs(),
                YIELD_AFTER_MS),
            deadLetters,
            metrics,
            System::currentTimeMillis,
            () -> ThreadLocalRandom.current().nextDouble());
    LOG.info("ERP sink task started: {} {}", config.method(), config.url());
  }

  private ErrantRecordReporter reporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // Connect before 2.6 has no reporter.
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    List<Pending> work = new ArrayList<>(records.size());
    for (SinkRecord record : records) {
      Position position = position(record);
      Long done = doneBelow.get(position.partition());
      if (done != null && position.offset() < done) {
        continue; // Redelivered after a rewind: already acknowledged or dead-lettered.
      }
      Pending pending = inProgress.get(position);
      if (pending == null) {
        pending = admit(record);
        inProgress.put(position, pending);
      }
      if (!pending.done) {
        work.add(pending);
      }
    }
    metrics.pendingRecords.set(work.size());
    long waitMs = dispatcher.deliver(work);
    metrics.pendingRecords.set(work.stream().filter(p -> !p.done).count());
    if (waitMs > 0) {
      context.timeout(waitMs);
      throw new RetriableException(
          metrics.pendingRecords.get()
              + " record(s) wait for the ERP; next attempt in "
              + waitMs
              + " ms");
    }
    for (SinkRecord record : records) {
      Position position = position(record);
      inProgress.remove(position);
      doneBelow.merge(position.partition(), position.offset() + 1, Math::max);
    }
  }

  /** Maps a new record; one that cannot be sent at all is dead-lettered right away. */
  private Pending admit(SinkRecord record) {
    ChangeMapper.Mapping mapping = mapper.map(record);
    return switch (mapping) {
      case ChangeMapper.Send send ->
          new Pending(record, send.orderKey(), send.idempotencyKey(), send.body());
      case ChangeMapper.Skip skip -> {
        Pending pending = new Pending(record, "", "", new byte[0]);
        pending.done = true;
        metrics.skipped.incrementAndGet();
        yield pending;
      }
      case ChangeMapper.Unmappable bad -> {
        Pending pending = new Pending(record, bad.orderKey(), bad.idempotencyKey(), new byte[0]);
        deadLetters.report(pending, bad.reason());
        metrics.deadLettered.incrementAndGet();
        pending.done = true;
        yield pending;
      }
    };
  }

  private static Position position(SinkRecord record) {
    return new Position(
        new TopicPartition(record.originalTopic(), record.originalKafkaPartition()),
        record.originalKafkaOffset());
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    // Connect only advances these after a put returned, i.e. after every record was done;
    // never let a partition run ahead of what this task saw finished.
    Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
    currentOffsets.forEach(
        (partition, offset) -> {
          Long done = doneBelow.get(partition);
          if (done == null || offset.offset() <= done) {
            committable.put(partition, offset);
          } else {
            committable.put(partition, new OffsetAndMetadata(done, offset.metadata()));
          }
        });
    return committable;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      doneBelow.remove(partition);
    }
    inProgress.keySet().removeIf(position -> partitions.contains(position.partition()));
  }

  @Override
  public void stop() {
    if (http != null) {
      http.close();
    }
    if (metrics != null) {
      metrics.unregister();
    }
  }
}
