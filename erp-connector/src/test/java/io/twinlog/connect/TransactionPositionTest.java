package io.twinlog.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twinlog.contracts.SourceHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

class TransactionPositionTest {

  private final TransactionPosition<SourceRecord> transform = new TransactionPosition<>();

  /** A Debezium MariaDB offset inside a transaction: Long event, Integer row, as Debezium has. */
  private static Map<String, Object> midTransaction(long event, int row) {
    Map<String, Object> offset = new HashMap<>();
    offset.put("gtids", "0-1-41");
    offset.put("file", "mariadb-bin.000003");
    offset.put("pos", 1234L);
    offset.put("server_id", 1L);
    if (event != 0) {
      offset.put("event", event);
    }
    if (row != 0) {
      offset.put("row", row);
    }
    return offset;
  }

  private static SourceRecord record(Map<String, ?> offset, ConnectHeaders headers) {
    return new SourceRecord(
        Map.of("server", "shop.orders.replica-a"),
        offset,
        "shop.orders.replica-a.shop.orders",
        0,
        Schema.STRING_SCHEMA,
        "{\"id\":7}",
        Schema.STRING_SCHEMA,
        "{\"op\":\"u\"}",
        1_700_000_000_000L,
        headers);
  }

  private static List<String> values(SourceRecord r, String key) {
    List<String> values = new ArrayList<>();
    r.headers().allWithName(key).forEachRemaining(h -> values.add((String) h.value()));
    return values;
  }

  @Test
  void stampsTheOffsetsEventAndRowAsStringsAndKeepsEverythingElse() {
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("other", "kept");
    SourceRecord in = record(midTransaction(1_205, 17), headers);

    SourceRecord out = transform.apply(in);

    assertThat(values(out, SourceHeaders.TX_EVENT)).containsExactly("1205");
    assertThat(values(out, SourceHeaders.TX_ROW)).containsExactly("17");
    assertThat(out.headers().lastWithName(SourceHeaders.TX_EVENT).schema())
        .isEqualTo(Schema.STRING_SCHEMA);
    assertThat(values(out, "other")).containsExactly("kept");
    assertThat(out.topic()).isEqualTo(in.topic());
    assertThat(out.kafkaPartition()).isEqualTo(0);
    assertThat(out.key()).isEqualTo(in.key());
    assertThat(out.keySchema()).isEqualTo(in.keySchema());
    assertThat(out.value()).isEqualTo(in.value());
    assertThat(out.valueSchema()).isEqualTo(in.valueSchema());
    assertThat(out.timestamp()).isEqualTo(in.timestamp());
    assertThat(out.sourcePartition()).isEqualTo(in.sourcePartition());
    assertThat(out.sourceOffset()).isEqualTo(in.sourceOffset());
    assertThat(in.headers()).as("the input record is not changed").hasSize(1);
  }

  @Test
  void countsDebeziumOmitsAreZero() {
    // Outside a transaction and in snapshots Debezium's offset has neither key.
    SourceRecord out = transform.apply(record(midTransaction(0, 0), new ConnectHeaders()));
    assertThat(values(out, SourceHeaders.TX_EVENT)).containsExactly("0");
    assertThat(values(out, SourceHeaders.TX_ROW)).containsExactly("0");

    SourceRecord eventOnly = transform.apply(record(midTransaction(3, 0), new ConnectHeaders()));
    assertThat(values(eventOnly, SourceHeaders.TX_EVENT)).containsExactly("3");
    assertThat(values(eventOnly, SourceHeaders.TX_ROW)).containsExactly("0");

    SourceRecord noOffset = transform.apply(record(null, new ConnectHeaders()));
    assertThat(values(noOffset, SourceHeaders.TX_EVENT)).containsExactly("0");
  }

  @Test
  void replacesHeadersOfTheSameName() {
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString(SourceHeaders.TX_EVENT, "999");
    headers.addString(SourceHeaders.TX_EVENT, "998");
    headers.addString(SourceHeaders.TX_ROW, "5");
    SourceRecord once = transform.apply(record(midTransaction(4, 2), headers));
    SourceRecord twice = transform.apply(once);

    for (SourceRecord out : List.of(once, twice)) {
      assertThat(values(out, SourceHeaders.TX_EVENT)).containsExactly("4");
      assertThat(values(out, SourceHeaders.TX_ROW)).containsExactly("2");
    }
  }

  @Test
  void acceptsCountsAsStringsAndRefusesWhatIsNoCount() {
    Map<String, Object> offset = midTransaction(0, 0);
    offset.put("event", "12");
    offset.put("row", 3L);
    SourceRecord out = transform.apply(record(offset, new ConnectHeaders()));
    assertThat(values(out, SourceHeaders.TX_EVENT)).containsExactly("12");
    assertThat(values(out, SourceHeaders.TX_ROW)).containsExactly("3");

    offset.put("event", "twelve");
    assertThatThrownBy(() -> transform.apply(record(offset, new ConnectHeaders())))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("'event' is twelve");
    offset.put("event", 1.5d);
    assertThatThrownBy(() -> transform.apply(record(offset, new ConnectHeaders())))
        .isInstanceOf(DataException.class);
    offset.put("event", -1L);
    assertThatThrownBy(() -> transform.apply(record(offset, new ConnectHeaders())))
        .isInstanceOf(DataException.class);
  }

  @Test
  void sinkRecordsPassUnchanged() {
    TransactionPosition<SinkRecord> sinkSide = new TransactionPosition<>();
    SinkRecord in = new SinkRecord("t", 0, null, "k", null, "v", 42L);
    assertThat(sinkSide.apply(in)).isSameAs(in);
    assertThat(in.headers()).isEmpty();
  }

  @Test
  void hasNoSettingsAVersionAndIsFoundByServiceLoaderDiscovery() {
    transform.configure(Map.of());
    assertThat(transform.config().names()).isEmpty();
    assertThat(transform.version()).isNotBlank().isNotEqualTo("unknown");
    transform.close();

    // Connect's plugin.discovery=service_load finds transforms only through this manifest.
    @SuppressWarnings("rawtypes")
    List<String> found =
        ServiceLoader.load(Transformation.class).stream().map(p -> p.type().getName()).toList();
    assertThat(found).contains(SourceHeaders.TRANSFORM);
    assertThat(TransactionPosition.class.getName()).isEqualTo(SourceHeaders.TRANSFORM);
  }

  @Test
  void headersAreStringValuedForEveryHeaderConverter() {
    SourceRecord out = transform.apply(record(midTransaction(8, 1), new ConnectHeaders()));
    for (Header h : out.headers()) {
      assertThat(h.value()).isInstanceOf(String.class);
    }
  }
}
