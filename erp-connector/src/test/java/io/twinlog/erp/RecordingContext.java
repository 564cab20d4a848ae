package io.twinlog.erp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A SinkTaskContext for driving a task directly; records timeouts and reported records. */
final class RecordingContext implements SinkTaskContext {
  /** A record handed to the errant record reporter, with its error. */
  record Reported(SinkRecord record, Throwable error) {}

  final List<Long> timeouts = new ArrayList<>();
  final List<Reported> reported = new ArrayList<>();
  private final boolean withReporter;

  RecordingContext(boolean withReporter) {
    this.withReporter = withReporter;
  }

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {}

  @Override
  public void offset(TopicPartition tp, long offset) {}

  @Override
  public void timeout(long timeoutMs) {
    timeouts.add(timeoutMs);
  }

  @Override
  public Set<TopicPartition> assignment() {
    return Set.of();
  }

  @Override
  public void pause(TopicPartition... partitions) {}

  @Override
  public void resume(TopicPartition... partitions) {}

  @Override
  public void requestCommit() {}

  @Override
  public PluginMetrics pluginMetrics() {
    throw new UnsupportedOperationException("the task keeps its own MBean");
  }

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    if (!withReporter) {
      return null;
    }
    return new ErrantRecordReporter() {
      @Override
      public Future<Void> report(SinkRecord record, Throwable error) {
        reported.add(new Reported(record, error));
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
