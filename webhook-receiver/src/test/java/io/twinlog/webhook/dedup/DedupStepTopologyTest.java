package io.twinlog.webhook.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.twinlog.contracts.ChangeHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production topology, driven record by record. */
class DedupStepTopologyTest {
  static final long WINDOW = 60_000;
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path state;
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> in;
  TestOutputTopic<byte[], byte[]> out;
  DedupStepMetrics metrics;

  @BeforeEach
  void start() {
    metrics = new DedupStepMetrics(new SimpleMeterRegistry());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedup-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver = new TopologyTestDriver(DedupStepTopology.build("in", "out", WINDOW, metrics), props);
    in =
        driver.createInputTopic(
            "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    out =
        driver.createOutputTopic(
            "out", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void firstCopyOfEachEventIdPassesWithKeyValueAndHeaders() {
    send("e1", "inv-1", "{\"v\":1}", 0);
    send("e2", "inv-1", "{\"v\":2}", 10);
    send("e1", "inv-1", "{\"v\":1}", 20); // the ERP's retry of e1, after e2
    send("e3", "inv-2", "{\"v\":1}", 30); // same content as e1, another event: kept
    List<TestRecord<byte[], byte[]>> records = out.readRecordsToList();
    assertThat(records).extracting(r -> id(r)).containsExactly("e1", "e2", "e3");
    assertThat(text(records.get(1).key())).isEqualTo("inv-1");
    assertThat(text(records.get(1).value())).isEqualTo("{\"v\":2}");
    assertThat(text(records.get(1).headers().lastHeader(ChangeHeaders.SOURCE).value()))
        .isEqualTo("erp");
    assertThat(metrics.duplicates()).isEqualTo(1);
  }

  @Test
  void aCopyArrivingWithAnEarlierTimestampIsStillADuplicate() {
    send("e1", "k", "{}", 5_000);
    send("e1", "k", "{}", 1_000); // another receiver pod, its clock behind
    assertThat(out.readRecordsToList()).hasSize(1);
  }

  @Test
  void afterTheWindowTheSameIdPassesAgain() {
    send("e1", "k", "{}", 0);
    send("other", "k", "{}", 2 * WINDOW + 1); // stream time moves on, old segments go
    send("e1", "k", "{}", 2 * WINDOW + 2);
    assertThat(out.readRecordsToList()).extracting(r -> id(r)).containsExactly("e1", "other", "e1");
  }

  @Test
  void aRecordWithoutEventIdIsForwardedNotDropped() {
    in.pipeInput(new TestRecord<>("k".getBytes(), "{}".getBytes(), new RecordHeaders(), T0));
    in.pipeInput(new TestRecord<>("k".getBytes(), "{}".getBytes(), new RecordHeaders(), T0));
    assertThat(out.readRecordsToList()).hasSize(2);
  }

  void send(String eventId, String key, String value, long offsetMs) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(ChangeHeaders.CHANGE_ID, eventId.getBytes(StandardCharsets.UTF_8));
    headers.add(ChangeHeaders.SOURCE, "erp".getBytes(StandardCharsets.UTF_8));
    in.pipeInput(
        new TestRecord<>(
            key.getBytes(StandardCharsets.UTF_8),
            value.getBytes(StandardCharsets.UTF_8),
            headers,
            T0.plusMillis(offsetMs)));
  }

  static String id(TestRecord<byte[], byte[]> record) {
    return text(record.headers().lastHeader(ChangeHeaders.CHANGE_ID).value());
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
