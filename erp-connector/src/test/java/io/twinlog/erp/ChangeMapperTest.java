package io.twinlog.erp;

import static io.twinlog.erp.DebeziumSamples.key;
import static io.twinlog.erp.DebeziumSamples.record;
import static io.twinlog.erp.DebeziumSamples.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twinlog.erp.ErpSinkConfig.BodyFormat;
import io.twinlog.erp.ErpSinkConfig.TombstoneMode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class ChangeMapperTest {
  private final ChangeMapper change = new ChangeMapper(BodyFormat.CHANGE, TombstoneMode.SKIP);

  private static JsonNode json(byte[] body) throws Exception {
    return JsonValues.MAPPER.readTree(body);
  }

  @Test
  void mapsADebeziumEnvelopeToTheDocumentedChangeBody() throws Exception {
    var mapping = change.map(record(key(7), update(7, "0-1-42", 0, "replica-a", 5), 3, "chg-42"));

    assertThat(mapping).isInstanceOf(ChangeMapper.Send.class);
    var send = (ChangeMapper.Send) mapping;
    assertThat(send.idempotencyKey()).isEqualTo("chg-42");
    assertThat(json(send.body()))
        .isEqualTo(
            JsonValues.MAPPER.readTree(
                """
                {"table":"shop.orders","op":"u","key":{"id":7},
                 "before":{"id":7,"status":"new"},"after":{"id":7,"status":"paid"},
                 "sourceTsMs":1700000000000,"transactionId":"0-1-42","changeId":"chg-42"}
                """));
  }

  @Test
  void unwrapsJsonConverterSchemaEnvelopes() throws Exception {
    String value = DebeziumSamples.withSchemaEnvelope(update(7, "0-1-42", 0, "a", 5));
    String key = DebeziumSamples.withSchemaEnvelope(key(7));
    var send = (ChangeMapper.Send) change.map(record(key, value, 3, "chg-42"));
    assertThat(json(send.body()).get("key")).isEqualTo(JsonValues.MAPPER.readTree(key(7)));
    assertThat(json(send.body()).get("op").asText()).isEqualTo("u");
  }

  @Test
  void acceptsMapValuesFromJsonConverterWithoutSchemas() throws Exception {
    Map<?, ?> value = JsonValues.MAPPER.readValue(update(7, "0-1-42", 0, "a", 5), Map.class);
    Map<?, ?> key = Map.of("id", 7);
    var record =
        new SinkRecord(
            DebeziumSamples.TOPIC, 0, null, key, null, value, 3, 0L, null, new ConnectHeaders());
    var send = (ChangeMapper.Send) change.map(record);
    assertThat(json(send.body()).get("after").get("status").asText()).isEqualTo("paid");
    assertThat(json(send.body()).get("table").asText()).isEqualTo("shop.orders");
  }

  @Test
  void acceptsStructValues() throws Exception {
    Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    Schema source =
        SchemaBuilder.struct()
            .field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    Schema envelope =
        SchemaBuilder.struct()
            .field("before", SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).optional())
            .field("after", row)
            .field("source", source)
            .field("op", Schema.STRING_SCHEMA)
            .build();
    Struct value =
        new Struct(envelope)
            .put("after", new Struct(row).put("id", 9))
            .put("source", new Struct(source).put("db", "shop").put("table", "t").put("ts_ms", 5L))
            .put("op", "c");
    var record =
        new SinkRecord("x", 0, row, new Struct(row).put("id", 9), envelope, value, 1, 0L, null);
    var send = (ChangeMapper.Send) change.map(record);
    assertThat(json(send.body()))
        .isEqualTo(
            JsonValues.MAPPER.readTree(
                """
                {"table":"shop.t","op":"c","key":{"id":9},"before":null,"after":{"id":9},
                 "sourceTsMs":5,"transactionId":null,"changeId":"%s"}
                """
                    .formatted(send.idempotencyKey())));
  }

  @Test
  void tombstonesAreSkippedOrSentAsDeletes() throws Exception {
    assertThat(change.map(record(key(7), null, 4, "chg-t"))).isInstanceOf(ChangeMapper.Skip.class);

    var deletes = new ChangeMapper(BodyFormat.CHANGE, TombstoneMode.DELETE);
    var send = (ChangeMapper.Send) deletes.map(record(key(7), null, 4, "chg-t"));
    assertThat(json(send.body()))
        .isEqualTo(
            JsonValues.MAPPER.readTree(
                """
                {"table":"shop.orders","op":"d","key":{"id":7},"before":null,"after":null,
                 "sourceTsMs":null,"transactionId":null,"changeId":"chg-t","tombstone":true}
                """));
  }

  @Test
  void rawFormatSendsTheValueByteForByte() {
    var raw = new ChangeMapper(BodyFormat.RAW, TombstoneMode.SKIP);
    String value = update(7, "0-1-42", 0, "a", 5);
    var send = (ChangeMapper.Send) raw.map(record(key(7), value, 3, "chg-42"));
    assertThat(new String(send.body(), StandardCharsets.UTF_8)).isEqualTo(value);

    var text = (ChangeMapper.Send) raw.map(record(key(7), "plain text", 4, null));
    assertThat(new String(text.body(), StandardCharsets.UTF_8)).isEqualTo("\"plain text\"");
  }

  @Test
  void aValueThatCannotBeMappedIsReportedNotThrown() {
    assertThat(change.map(record(key(7), "not json", 3, "c1")))
        .isInstanceOfSatisfying(
            ChangeMapper.Unmappable.class,
            bad -> assertThat(bad.reason()).contains("not JSON").contains("erp.body.format=raw"));
    assertThat(change.map(record(key(7), "{\"id\":1}", 3, "c1")))
        .isInstanceOfSatisfying(
            ChangeMapper.Unmappable.class,
            bad -> assertThat(bad.reason()).contains("not a Debezium change event"));
  }

  @Test
  void recordsOfOneKeyShareAnOrderKeyWhateverTheFieldOrder() {
    var a =
        (ChangeMapper.Send)
            change.map(record("{\"a\":1,\"b\":2}", update(1, "g", 0, "x", 1), 1, "1"));
    var b =
        (ChangeMapper.Send)
            change.map(record("{\"b\":2,\"a\":1}", update(1, "g", 0, "x", 1), 2, "2"));
    var c =
        (ChangeMapper.Send)
            change.map(record("{\"a\":2,\"b\":2}", update(1, "g", 0, "x", 1), 3, "3"));
    assertThat(a.orderKey()).isEqualTo(b.orderKey()).isNotEqualTo(c.orderKey());
  }

  @Test
  void tableFallsBackToTheTopicsLastTwoSegments() {
    assertThat(ChangeMapper.table("orders.dedup.shop.orders", JsonValues.MAPPER.missingNode()))
        .isEqualTo("shop.orders");
  }
}
