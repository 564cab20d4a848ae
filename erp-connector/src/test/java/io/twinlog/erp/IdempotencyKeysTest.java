package io.twinlog.erp;

import static io.twinlog.erp.DebeziumSamples.key;
import static io.twinlog.erp.DebeziumSamples.record;
import static io.twinlog.erp.DebeziumSamples.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.erp.ErpSinkConfig.BodyFormat;
import io.twinlog.erp.ErpSinkConfig.TombstoneMode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  private final ChangeMapper mapper = new ChangeMapper(BodyFormat.CHANGE, TombstoneMode.DELETE);

  private String keyOf(SinkRecord record) {
    return ((ChangeMapper.Send) mapper.map(record)).idempotencyKey();
  }

  @Test
  void theChangeIdHeaderIsTheKeyWhateverTheOffset() {
    assertThat(keyOf(record(key(1), update(1, "0-1-9", 0, "a", 1), 10, "0-1-9/3")))
        .isEqualTo(keyOf(record(key(1), update(1, "0-1-9", 0, "b", 2), 99, "0-1-9/3")))
        .isEqualTo("0-1-9/3");
  }

  @Test
  void readsTheHeaderAsBytesOrString() {
    ConnectHeaders headers = new ConnectHeaders();
    headers.add(
        ChangeHeaders.CHANGE_ID, "id-7".getBytes(StandardCharsets.UTF_8), Schema.BYTES_SCHEMA);
    SinkRecord record =
        new SinkRecord("t", 0, null, key(1), null, update(1, "g", 0, "a", 1), 1, 0L, null, headers);
    assertThat(IdempotencyKeys.changeId(record)).isEqualTo("id-7");
  }

  @Test
  void fallbackIsStableAcrossRedeliveryAndIgnoresOffsetsSourceNameAndEnvelopeTime() {
    String first = keyOf(record(key(1), update(1, "0-1-9", 0, "replica-a", 111), 10, null));
    String again = keyOf(record(key(1), update(1, "0-1-9", 0, "replica-b", 222), 77, null));
    assertThat(first).startsWith(IdempotencyKeys.FALLBACK_PREFIX).isEqualTo(again);
  }

  @Test
  void fallbackTellsDistinctChangesApart() {
    String base = keyOf(record(key(1), update(1, "0-1-9", 0, "a", 1), 10, null));
    // Same content, later transaction (a flag flipped back and forth): a different change.
    assertThat(keyOf(record(key(1), update(1, "0-1-10", 0, "a", 1), 10, null))).isNotEqualTo(base);
    // Another row of the same event.
    assertThat(keyOf(record(key(1), update(1, "0-1-9", 1, "a", 1), 10, null))).isNotEqualTo(base);
    // Another key.
    assertThat(keyOf(record(key(2), update(1, "0-1-9", 0, "a", 1), 10, null))).isNotEqualTo(base);
  }

  @Test
  void fallbackForTombstonesUsesTheKeyAndTimestamp() {
    String a = keyOf(record(key(1), null, 10, null));
    String b = keyOf(record(key(1), null, 20, null));
    String c = keyOf(record(key(2), null, 10, null));
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void batchKeyIsTheRecordKeyForOneRecordAndAHashForMore() {
    assertThat(IdempotencyKeys.ofBatch(java.util.List.of("k1"))).isEqualTo("k1");
    assertThat(IdempotencyKeys.ofBatch(java.util.List.of("k1", "k2")))
        .startsWith("batch-")
        .isEqualTo(IdempotencyKeys.ofBatch(java.util.List.of("k1", "k2")))
        .isNotEqualTo(IdempotencyKeys.ofBatch(java.util.List.of("k2", "k1")));
  }

  @Test
  void hashSeparatesParts() {
    assertThat(IdempotencyKeys.hash("ab", "c")).isNotEqualTo(IdempotencyKeys.hash("a", "bc"));
  }
}
