package io.twinlog.erp;

import static io.twinlog.erp.DebeziumSamples.key;
import static io.twinlog.erp.DebeziumSamples.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import io.twinlog.erp.ErpTestServer.Reply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many keys in flight at once against a slow ERP that answers out of order: per-key order, one
 * acknowledgement per idempotency key and the committed offsets hold exactly as with one request at
 * a time.
 */
class ErpSinkConcurrencyTest {
  private static final int PARTITIONS = 3;

  private ErpTestServer server;
  private ErpSinkTask task;

  @BeforeEach
  void startServer() throws Exception {
    server = new ErpTestServer();
  }

  @AfterEach
  void stop() {
    if (task != null) {
      task.stop();
    }
    server.close();
  }

  private void start(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put("name", "erp-concurrency-test");
    props.put(ErpSinkConfigKeys.URL, server.url());
    props.put(ErpSinkConfigKeys.RETRY_INITIAL_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.RETRY_MAX_BACKOFF_MS, "0");
    props.put(ErpSinkConfigKeys.RETRY_MAX_ATTEMPTS, "50");
    props.put(ErpSinkConfigKeys.TIMEOUT_MS, "30000");
    props.putAll(extra);
    task = new ErpSinkTask();
    task.initialize(new RecordingContext(true));
    task.start(props);
  }

  /**
   * {@code keys * changesPerKey} changes, change {@code seq} of every key before {@code seq + 1},
   * key {@code k} on partition {@code k % PARTITIONS}, offsets from {@code firstOffset} per
   * partition.
   */
  private static List<SinkRecord> changes(
      int fromKey, int keys, int fromSeq, int changesPerKey, long firstOffset) {
    long[] offsets = new long[PARTITIONS];
    Arrays.fill(offsets, firstOffset);
    List<SinkRecord> records = new ArrayList<>();
    for (int seq = fromSeq; seq < fromSeq + changesPerKey; seq++) {
      for (int key = fromKey; key < fromKey + keys; key++) {
        int partition = key % PARTITIONS;
        records.add(change(key, seq, partition, offsets[partition]++));
      }
    }
    return records;
  }

  private static SinkRecord change(int key, int seq, int partition, long offset) {
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString(ChangeHeaders.CHANGE_ID, key + "/" + seq);
    return new SinkRecord(
        DebeziumSamples.TOPIC,
        partition,
        null,
        key(key),
        null,
        update(key, key + "/" + seq, 0, "a", seq),
        offset,
        1_700_000_000_000L,
        null,
        headers);
  }

  /** Hands a batch back after each RetriableException, as Connect does, until put returns. */
  private void putUntilDone(List<SinkRecord> batch) {
    for (int round = 1; ; round++) {
      try {
        task.put(batch);
        return;
      } catch (RetriableException e) {
        if (round == 200) {
          throw e;
        }
      }
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(long offset) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int partition = 0; partition < PARTITIONS; partition++) {
      offsets.put(
          new TopicPartition(DebeziumSamples.TOPIC, partition), new OffsetAndMetadata(offset));
    }
    return offsets;
  }

  private static TopicPartition partition(int partition) {
    return new TopicPartition(DebeziumSamples.TOPIC, partition);
  }

  private List<String> requested() {
    return server.requests().stream().map(ErpTestServer.Request::idempotencyKey).toList();
  }

  @Test
  void perKeyOrderAndOneAcknowledgementPerKeyHoldWithAnErpAnsweringOutOfOrder() {
    start(Map.of());
    // About 5% of the changes are answered 500 the first time: retried, holding their own key.
    Random random = new Random(12);
    Set<String> failOnce =
        IntStream.range(0, 2_400)
            .filter(i -> random.nextInt(20) == 0)
            .mapToObj(i -> (i % 240) + "/" + (i / 240))
            .collect(Collectors.toSet());
    Set<String> failed = ConcurrentHashMap.newKeySet();
    KeyOrderWatch watch =
        KeyOrderWatch.install(
            server,
            request -> {
              String id = request.idempotencyKey();
              // Each answer takes 0-30 ms, so answers overtake each other across keys.
              long delay = ThreadLocalRandom.current().nextLong(31);
              return failOnce.contains(id) && failed.add(id)
                  ? new Reply(500, "busy", null, delay)
                  : new Reply(200, "{\"ok\":true}", null, delay);
            });
    List<SinkRecord> all = changes(0, 240, 0, 10, 0);

    for (int from = 0; from < all.size(); from += 500) {
      putUntilDone(all.subList(from, Math.min(all.size(), from + 500)));
    }

    assertThat(watch.violations).isEmpty();
    assertThat(watch.acknowledgements).hasSize(2_400);
    assertThat(watch.acknowledgedTwice()).isEmpty();
    assertThat(failed).isEqualTo(failOnce).isNotEmpty();
    assertThat(watch.peakOpen.get()).isGreaterThan(1);
    assertThat(task.preCommit(offsets(800))).isEqualTo(offsets(800));
  }

  @Test
  void theDefaultSendsSixtyFourKeysAtOnce() {
    start(Map.of());
    assertThat(peakInFlight(ErpSinkConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS)).isEqualTo(64);
  }

  @Test
  void aLowerLimitIsHonoured() {
    start(Map.of(ErpSinkConfigKeys.MAX_IN_FLIGHT_REQUESTS, "5"));
    assertThat(peakInFlight(5)).isEqualTo(5);
  }

  /**
   * The ERP holds its first {@code expected} requests until that many are open at once (a sink
   * sending fewer at a time makes it give up after 20 s, which fails the test); returns the most
   * requests that were open at once.
   */
  private int peakInFlight(int expected) {
    CountDownLatch allIn = new CountDownLatch(expected);
    AtomicInteger arrivals = new AtomicInteger();
    AtomicInteger notAllIn = new AtomicInteger();
    KeyOrderWatch watch =
        KeyOrderWatch.install(
            server,
            request -> {
              if (arrivals.incrementAndGet() <= expected) {
                allIn.countDown();
                try {
                  if (!allIn.await(20, TimeUnit.SECONDS)) {
                    notAllIn.incrementAndGet();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return Reply.ok();
            });

    putUntilDone(changes(0, 200, 0, 1, 0));

    assertThat(notAllIn).hasValue(0);
    assertThat(watch.violations).isEmpty();
    assertThat(watch.acknowledgements).hasSize(200);
    return watch.peakOpen.get();
  }

  @Test
  void noOffsetIsCommittedPastARecordStillWaitingForTheErp() {
    start(Map.of());
    AtomicInteger refusing = new AtomicInteger(1);
    KeyOrderWatch watch =
        KeyOrderWatch.install(
            server,
            request ->
                request.idempotencyKey().equals("150/1") && refusing.get() == 1
                    ? Reply.status(500, "busy")
                    : Reply.ok());
    // Keys 0-299 on partition 0 only: offsets 0-299, then 300-599 with the second changes.
    List<SinkRecord> first = new ArrayList<>();
    List<SinkRecord> second = new ArrayList<>();
    for (int key = 0; key < 300; key++) {
      first.add(change(key, 0, 0, key));
      second.add(change(key, 1, 0, 300 + key));
    }
    Map<TopicPartition, OffsetAndMetadata> atEnd = Map.of(partition(0), new OffsetAndMetadata(600));

    task.put(first);
    assertThat(task.preCommit(Map.of(partition(0), new OffsetAndMetadata(300))))
        .containsEntry(partition(0), new OffsetAndMetadata(300));

    assertThatThrownBy(() -> task.put(second)).isInstanceOf(RetriableException.class);
    // Every other record of the batch is acknowledged, the one at offset 450 is not: nothing of
    // the batch may be committed, even when Connect offers its end.
    assertThat(watch.acknowledgements).hasSize(599);
    assertThat(task.preCommit(atEnd)).containsEntry(partition(0), new OffsetAndMetadata(300));
    assertThatThrownBy(() -> task.put(second)).isInstanceOf(RetriableException.class);
    assertThat(task.preCommit(atEnd)).containsEntry(partition(0), new OffsetAndMetadata(300));

    refusing.set(0);
    task.put(second);
    assertThat(task.preCommit(atEnd)).containsEntry(partition(0), new OffsetAndMetadata(600));
    assertThat(watch.acknowledgements).hasSize(600);
    assertThat(watch.acknowledgedTwice()).isEmpty();
  }

  @Test
  void aRetryOfOneKeyDoesNotHoldBackOtherKeys() {
    start(Map.of());
    AtomicInteger refusing = new AtomicInteger(1);
    KeyOrderWatch watch =
        KeyOrderWatch.install(
            server,
            request ->
                request.idempotencyKey().equals("0/0") && refusing.get() == 1
                    ? Reply.status(500, "busy")
                    : Reply.ok());
    List<SinkRecord> batch = changes(0, 200, 0, 5, 0);

    assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
    // Key 0 waits for its retry; the 199 other keys went through all five of their changes.
    assertThat(watch.acknowledgements).hasSize(199 * 5).doesNotContainKey("0/0");
    assertThat(requested()).containsOnlyOnce("0/0").doesNotContain("0/1", "0/2", "0/3", "0/4");

    refusing.set(0);
    putUntilDone(batch);
    assertThat(watch.acknowledgements).hasSize(1_000).containsKeys("0/0", "0/4");
    assertThat(watch.acknowledgedTwice()).isEmpty();
    assertThat(watch.violations).isEmpty();
    assertThat(requested()).filteredOn(id -> !id.startsWith("0/")).hasSize(995);
  }
}
