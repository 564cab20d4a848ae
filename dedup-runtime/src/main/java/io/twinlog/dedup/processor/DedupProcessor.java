package io.twinlog.dedup.processor;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.DedupAnomalyRecord;
import io.twinlog.dedup.metrics.AnomalyKind;
import io.twinlog.dedup.metrics.DedupMetrics;
import io.twinlog.dedup.serde.BadRecordException;
import io.twinlog.dedup.serde.ChangeEvent;
import io.twinlog.dedup.serde.EnvelopeParser;
import io.twinlog.dedup.topology.TopicNames;
import io.twinlog.dedup.topology.TopicNames.InputTopic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges one partition of every source's table topics into the output: parses each record, decides
 * by {@link PositionRule} (PostgreSQL, and MariaDB/MySQL through Twinlog's transform), {@link
 * GtidRule}, {@link ContentRule} or {@link SnapshotRule}, forwards winners with the change-id and
 * source headers, and sends bad records to the dead-letter topic.
 */
public final class DedupProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  public static final String OUTPUT = "output";
  public static final String DEAD_LETTERS = "dead-letters";
  public static final String ANOMALIES = "anomalies";
  private static final Logger LOG = LoggerFactory.getLogger(DedupProcessor.class);
  private static final Map<String, AtomicLong> ANOMALY_LOG_COUNT = new ConcurrentHashMap<>();

  /**
   * The table of the record being forwarded to {@link #OUTPUT}, for the sink's topic extractor: a
   * held record released by the hold clock is forwarded from a punctuation, which has no input
   * topic to derive it from. The sink runs synchronously inside forward(), on this thread.
   */
  private static final ThreadLocal<String> OUTPUT_TABLE = new ThreadLocal<>();

  /** See {@link #OUTPUT_TABLE}. */
  public static String outputTable() {
    return OUTPUT_TABLE.get();
  }

  private static final String KEY_ORDER_CONFLICT = "io.twinlog.dedup.KeyOrderConflict";

  private final TopicNames topics;
  private final DedupMetrics metrics;
  private final long windowMs;
  private final long alignHoldMs;
  private final List<String> sourceNames;
  private final boolean anomalyTopic;
  private final EnvelopeParser parser = new EnvelopeParser();
  private ProcessorContext<byte[], byte[]> context;
  private GtidRule gtidRule;
  private ContentRule contentRule;
  private PositionRule positionRule;

  /** While a held exactly positioned record is decided again: it must not be held a second time. */
  private boolean replayingExact;

  private SnapshotRule snapshotRule;
  private DedupStores stores;

  private static final long ANOMALY_WRITE_INTERVAL_MS = 60_000;
  private final Map<String, Long> anomalyWritten = new java.util.HashMap<>();

  public DedupProcessor(
      TopicNames topics,
      DedupMetrics metrics,
      List<String> sourceNames,
      long windowMs,
      long alignHoldMs,
      boolean anomalyTopic) {
    this.topics = topics;
    this.metrics = metrics;
    this.sourceNames = List.copyOf(sourceNames);
    this.windowMs = windowMs;
    this.alignHoldMs = alignHoldMs;
    this.anomalyTopic = anomalyTopic;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    stores =
        new DedupStores(
            context.getStateStore(DedupStores.PROGRESS),
            context.getStateStore(DedupStores.SEEN),
            windowMs);
    AnomalySink anomalies = this::anomaly;
    gtidRule =
        new GtidRule(
            stores,
            new Transcripts(context.getStateStore(DedupStores.SEEN), windowMs),
            anomalies,
            sourceNames,
            windowMs,
            alignHoldMs,
            context::currentSystemTimeMs);
    context.schedule(
        java.time.Duration.ofMillis(Math.max(100, Math.min(1_000, alignHoldMs / 10))),
        org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
        now -> {
          while (gtidRule.expireOldestHold(now)) {
            releaseHeld();
          }
          releaseExactHolds(now);
        });
    contentRule = new ContentRule(stores, anomalies, windowMs);
    positionRule =
        new PositionRule(
            stores, anomalies, sourceNames, windowMs, alignHoldMs, context::currentSystemTimeMs);
    snapshotRule = new SnapshotRule(stores, anomalies);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    InputTopic input = topics.parse(meta.topic());
    if (input == null) {
      return; // the subscription pattern only matches our topics; nothing else reaches here
    }
    String source = input.source().name();
    String table = input.table();
    metrics.recordIn(source, table);
    handle(source, table, record, meta.topic());
    releaseHeld();
    releaseExactHolds(context.currentSystemTimeMs());
  }

  /** Decides the held exactly positioned records that can now be decided ({@link PositionRule}). */
  private void releaseExactHolds(long now) {
    List<GtidRule.Release> releases;
    while (!(releases = positionRule.releasable(now)).isEmpty()) {
      for (GtidRule.Release r : releases) {
        for (long n = r.from(); n < r.to(); n++) {
          HeldRecord held = stores.releaseExact(r.source(), r.table(), n);
          if (held != null) {
            replayingExact = true;
            try {
              handle(r.source(), r.table(), held.toRecord(), topics.topic(r.source(), r.table()));
            } finally {
              replayingExact = false;
            }
          }
        }
      }
    }
  }

  /**
   * Decides again the held records that can now be decided, in their sources' order. Deciding one
   * may hold its lane again and a later one release that new hold: the newly released records came
   * first in the source's order, so they go before the rest of the batch being replayed.
   */
  private void releaseHeld() {
    java.util.ArrayDeque<GtidRule.Release> work =
        new java.util.ArrayDeque<>(gtidRule.takeReleases());
    while (!work.isEmpty()) {
      GtidRule.Release r = work.pollFirst();
      for (long n = r.from(); n < r.to(); n++) {
        HeldRecord held = stores.release(r.source(), r.table(), n);
        if (held != null) {
          gtidRule.replaying(r.heldSinceMs());
          try {
            handle(r.source(), r.table(), held.toRecord(), topics.topic(r.source(), r.table()));
          } finally {
            gtidRule.replaying(GtidRule.NOT_REPLAYING);
          }
        }
        List<GtidRule.Release> fresh = gtidRule.takeReleases();
        if (!fresh.isEmpty()) {
          if (n + 1 < r.to()) {
            work.addFirst(
                new GtidRule.Release(r.source(), r.table(), n + 1, r.to(), r.heldSinceMs()));
          }
          for (int i = fresh.size() - 1; i >= 0; i--) {
            work.addFirst(fresh.get(i));
          }
          break;
        }
      }
    }
  }

  /** Decides one record (a new one, or one held until now) and forwards what it must. */
  private void handle(String source, String table, Record<byte[], byte[]> record, String topic) {
    if (record.value() == null) {
      // Debezium's tombstone after a delete; we write our own right after the delete we emit, so
      // it can never land after a later change of the same key from another source.
      metrics.duplicate(table, "tombstone");
      return;
    }
    ChangeEvent event;
    try {
      event = parser.parse(table, record.key(), record.value(), record.headers());
    } catch (BadRecordException e) {
      deadLetter(record, topic, e.getClass().getName(), e.getMessage());
      return;
    }
    if ((event.gtid() == null || event.snapshot()) && gtidRule.holding(source, table)) {
      // Behind held GTID changes of its source: keep the source's order.
      gtidRule.holdOther(source, table, record);
      return;
    }
    if (event.exact() != null && !replayingExact && positionRule.holding(source, table)) {
      positionRule.hold(source, table, record, event);
      metrics.duplicate(table, "held");
      return;
    }
    if (metrics.sourceProgress(source, event.tsMs())) {
      LOG.warn(
          "Source {} is {} ms behind the leading source, more than the dedup window ({} ms)",
          source,
          metrics.lagMs(source),
          windowMs);
    }
    Verdict verdict = decide(source, table, event, record);
    switch (verdict.outcome()) {
      case DROP -> metrics.duplicate(table, verdict.reason());
      case HOLD -> metrics.duplicate(table, "held");
      case DEAD_LETTER -> deadLetter(record, topic, KEY_ORDER_CONFLICT, verdict.reason());
      case EMIT -> {
        OUTPUT_TABLE.set(table);
        metrics.accepted(table, event.op(), event.tsMs(), System.currentTimeMillis());
        context.forward(withHeaders(record, verdict.changeId(), source), OUTPUT);
        if (event.op() == 'd') {
          context.forward(
              withHeaders(record.withValue(null), verdict.changeId() + "/tombstone", source),
              OUTPUT);
          metrics.tombstoneOut(table);
        }
      }
    }
  }

  private Verdict decide(
      String source, String table, ChangeEvent e, Record<byte[], byte[]> record) {
    long newestCommit = stores.newestCommit();
    if (e.tsMs() > newestCommit) {
      stores.putNewestCommit(e.tsMs());
    }
    if (e.snapshot()) {
      return snapshotRule.decide(source, table, e);
    }
    Verdict verdict;
    if (e.exact() != null) {
      verdict = positionRule.decide(source, table, e, Math.max(newestCommit, e.tsMs()));
    } else if (e.gtid() != null) {
      verdict = gtidRule.decide(source, table, e, record, Math.max(newestCommit, e.tsMs()));
    } else {
      verdict = contentRule.decide(source, table, e, newestCommit);
    }
    return snapshotRule.olderThanSnapshot(source, table, e, verdict);
  }

  private static Record<byte[], byte[]> withHeaders(
      Record<byte[], byte[]> record, String changeId, String source) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.remove(ChangeHeaders.CHANGE_ID);
    headers.remove(ChangeHeaders.SOURCE);
    headers.add(ChangeHeaders.CHANGE_ID, changeId.getBytes(StandardCharsets.UTF_8));
    headers.add(ChangeHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8));
    return record.withHeaders(headers);
  }

  private void deadLetter(
      Record<byte[], byte[]> record, String topic, String errorClass, String error) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    String message = String.valueOf(error).lines().findFirst().orElse("");
    headers.add(ChangeHeaders.ERROR_CLASS, errorClass.getBytes(StandardCharsets.UTF_8));
    headers.add(ChangeHeaders.ERROR_MESSAGE, message.getBytes(StandardCharsets.UTF_8));
    headers.add(ChangeHeaders.ERROR_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
    context.forward(record.withHeaders(headers), DEAD_LETTERS);
    metrics.deadLettered(topic);
    LOG.warn("Dead-lettered a record from {}: {}", topic, message);
  }

  private void anomaly(String source, AnomalyKind kind, String why, List<String> gtids) {
    metrics.anomaly(source, kind);
    long now = context.currentSystemTimeMs();
    Long written = anomalyWritten.get(source + kind);
    if (anomalyTopic && (written == null || now - written >= ANOMALY_WRITE_INTERVAL_MS)) {
      // At most one record per source and kind a minute: enough for the operator to hold the
      // condition while it lasts, never a flood (a failover can raise one per transaction).
      // Forwarded inside the task's transaction: the operator sees it exactly when the output does.
      anomalyWritten.put(source + kind, now);
      DedupAnomalyRecord a = new DedupAnomalyRecord(source, kind.label(), why, gtids, now);
      context.forward(new Record<>(a.keyBytes(), a.valueBytes(), now), ANOMALIES);
    }
    long n =
        ANOMALY_LOG_COUNT.computeIfAbsent(source + kind, k -> new AtomicLong()).incrementAndGet();
    if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th ... occurrence: loud but never a flood
      LOG.warn("Source {} anomaly {} (occurrence {}): {}", source, kind.label(), n, why);
    }
  }
}
