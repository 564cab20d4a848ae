package io.twinlog.erp;

import org.apache.kafka.connect.sink.SinkRecord;

/** One record on its way to the ERP, with its retry state; lives until acked or dead-lettered. */
final class Pending {
  final SinkRecord record;
  final String orderKey;
  final String idempotencyKey;
  final byte[] body;

  int attempts;
  long nextAttemptAtMs;
  int lastStatus = -1;
  String lastResponse = "";
  String lastError;

  /** Sent alone from now on: a batch holding it was refused, so find out which record is bad. */
  boolean solo;

  boolean done;

  Pending(SinkRecord record, String orderKey, String idempotencyKey, byte[] body) {
    this.record = record;
    this.orderKey = orderKey;
    this.idempotencyKey = idempotencyKey;
    this.body = body;
  }

  String describe() {
    return record.originalTopic()
        + "-"
        + record.originalKafkaPartition()
        + "@"
        + record.originalKafkaOffset()
        + " (idempotency key "
        + idempotencyKey
        + ")";
  }
}
