package io.twinlog.dedup.serde;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twinlog.contracts.SourceHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads Debezium JSON (JsonConverter, with or without {@code schemas.enable}) into a {@link
 * ChangeEvent}; anything else is a {@link BadRecordException}.
 */
public final class EnvelopeParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ChangeEvent parse(String table, byte[] key, byte[] value) throws BadRecordException {
    return parse(table, key, value, null);
  }

  /**
   * @param headers the record's headers: with Twinlog's transform on the connector, a MariaDB or
   *     MySQL change's place in its transaction ({@link TxPosition}); null or without them, the
   *     change has no exact position
   */
  public ChangeEvent parse(String table, byte[] key, byte[] value, Headers headers)
      throws BadRecordException {
    String canonicalKey = canonicalKey(key);
    JsonNode envelope = payload(readJson(value, "value"));
    if (!envelope.isObject()) {
      throw new BadRecordException("value is not a Debezium change event (not a JSON object)");
    }
    String opText = text(envelope, "op");
    if (opText == null || opText.length() != 1 || "cudr".indexOf(opText.charAt(0)) < 0) {
      throw new BadRecordException(
          "payload.op is " + (opText == null ? "missing" : "'" + opText + "'") + ", not c/u/d/r");
    }
    char op = opText.charAt(0);
    JsonNode source = envelope.get("source");
    if (source == null || !source.isObject()) {
      throw new BadRecordException("payload.source is missing");
    }
    JsonNode ts = source.get("ts_ms");
    if (ts == null || !ts.canConvertToLong()) {
      throw new BadRecordException("payload.source.ts_ms is missing");
    }
    if (op == 'r') {
      // The after image lets the snapshot rule see a row another source already streamed.
      return new ChangeEvent(
          op,
          null,
          null,
          ts.asLong(),
          canonicalKey,
          keyDigest(table, canonicalKey),
          -1,
          ChangeEvent.NO_IMAGE,
          imageHash(String.valueOf(envelope.get("after"))),
          null);
    }
    if (PostgresSource.is(source)) {
      return postgres(table, canonicalKey, envelope, source, op, ts.asLong());
    }
    String file = text(source, "file");
    JsonNode pos = source.get("pos");
    if (file == null || pos == null || !pos.canConvertToLong()) {
      throw new BadRecordException("payload.source.file/pos are missing (binlog position)");
    }
    JsonNode row = source.get("row");
    BinlogPosition position =
        new BinlogPosition(file, pos.asLong(), row == null || row.isNull() ? 0 : row.asInt());
    String before = String.valueOf(envelope.get("before"));
    String after = String.valueOf(envelope.get("after"));
    JsonNode transaction = envelope.get("transaction");
    JsonNode order = transaction == null ? null : transaction.get("total_order");
    int totalOrder = order == null || !order.canConvertToInt() ? -1 : order.asInt();
    String gtidText = text(source, "gtid");
    if (gtidText != null && !gtidText.isEmpty()) {
      Gtid gtid = Gtid.parse(gtidText);
      return new ChangeEvent(
          op,
          gtid,
          position,
          ts.asLong(),
          canonicalKey,
          digest(table, canonicalKey, opText, before, after),
          totalOrder,
          imageHash(before),
          imageHash(after),
          txPosition(gtid, headers));
    }
    String content = digest(table, canonicalKey, opText, before, after, ts.asText());
    return new ChangeEvent(
        op,
        null,
        position,
        ts.asLong(),
        canonicalKey,
        content,
        totalOrder,
        imageHash(before),
        imageHash(after),
        null);
  }

  /**
   * A PostgreSQL change: no binlog position, a WAL position instead. The commit time goes into the
   * content digest: with the lsn and transaction id it keeps a failover's reused position (same
   * lsn, same transaction id, possibly the same row change) from passing for the old primary's
   * change, while every replica's copy of one change still agrees on it.
   */
  private static ChangeEvent postgres(
      String table, String canonicalKey, JsonNode envelope, JsonNode source, char op, long tsMs)
      throws BadRecordException {
    WalPosition wal = PostgresSource.position(source);
    String before = String.valueOf(envelope.get("before"));
    String after = String.valueOf(envelope.get("after"));
    JsonNode transaction = envelope.get("transaction");
    JsonNode order = transaction == null ? null : transaction.get("total_order");
    return new ChangeEvent(
        op,
        null,
        null,
        tsMs,
        canonicalKey,
        digest(table, canonicalKey, String.valueOf(op), before, after, Long.toString(tsMs)),
        order == null || !order.canConvertToInt() ? -1 : order.asInt(),
        imageHash(before),
        imageHash(after),
        wal);
  }

  /** The change's place in its transaction, from the transform's headers; null without them. */
  private static TxPosition txPosition(Gtid gtid, Headers headers) throws BadRecordException {
    if (headers == null) {
      return null;
    }
    Header event = headers.lastHeader(SourceHeaders.TX_EVENT);
    Header row = headers.lastHeader(SourceHeaders.TX_ROW);
    if (event == null && row == null) {
      return null;
    }
    return new TxPosition(
        gtid, counter(event, SourceHeaders.TX_EVENT), counter(row, SourceHeaders.TX_ROW));
  }

  private static long counter(Header header, String name) throws BadRecordException {
    String text =
        header == null || header.value() == null
            ? null
            : new String(header.value(), StandardCharsets.UTF_8);
    try {
      long n = text == null ? -1 : Long.parseLong(text.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRecordException(
        "header "
            + name
            + " is "
            + (text == null ? "missing" : "'" + text + "'")
            + ", not a count (Twinlog's transform writes both "
            + SourceHeaders.TX_EVENT
            + " and "
            + SourceHeaders.TX_ROW
            + ")");
  }

  private static String canonicalKey(byte[] key) throws BadRecordException {
    if (key == null) {
      // Tables without a primary key: Debezium sends no key, so rows land on any partition.
      return "null";
    }
    return payload(readJson(key, "key")).toString();
  }

  /** With {@code schemas.enable=true} the event sits in {@code payload} next to {@code schema}. */
  private static JsonNode payload(JsonNode node) {
    if (node.isObject() && node.has("schema") && node.has("payload")) {
      return node.get("payload");
    }
    return node;
  }

  private static JsonNode readJson(byte[] bytes, String what) throws BadRecordException {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new BadRecordException(what + " is empty");
      }
      return node;
    } catch (JacksonException e) {
      throw new BadRecordException(
          what + " is not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    } catch (java.io.IOException e) {
      throw new BadRecordException(what + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** FNV-1a over the image's JSON text; never {@link ChangeEvent#NO_IMAGE} for a present image. */
  static long imageHash(String image) {
    if (image == null || image.equals("null")) {
      return ChangeEvent.NO_IMAGE;
    }
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < image.length(); i++) {
      h = (h ^ image.charAt(i)) * 0x100000001b3L;
    }
    return h == ChangeEvent.NO_IMAGE ? 1 : h;
  }

  /** Identity of a row for the snapshot rule: digest of table and canonical key. */
  public static String keyDigest(String table, String canonicalKey) {
    return digest(table, canonicalKey);
  }

  static String digest(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      byte[] full = sha.digest();
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(full, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
