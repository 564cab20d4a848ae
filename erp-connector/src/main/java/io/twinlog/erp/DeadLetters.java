package io.twinlog.erp;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Hands records the ERP refused (or that exhausted their budget) to Connect's dead-letter reporter,
 * with the reason in headers; fails the task when there is no reporter.
 */
final class DeadLetters {
  private final Supplier<ErrantRecordReporter> reporter;

  DeadLetters(Supplier<ErrantRecordReporter> reporter) {
    this.reporter = reporter;
  }

  void report(Pending pending, String reason) {
    String message =
        reason
            + " after "
            + pending.attempts
            + " attempt(s); last status "
            + pending.lastStatus
            + (pending.lastError == null ? "" : ", " + pending.lastError)
            + (pending.lastResponse.isEmpty()
                ? ""
                : ", response: " + oneLine(pending.lastResponse, 256));
    ErrantRecordReporter errant = reporter.get();
    if (errant == null) {
      throw new ConnectException(
          "The ERP did not accept "
              + pending.describe()
              + ": "
              + message
              + ". No dead-letter topic is configured, so the task stops rather than drop it;"
              + " set errors.tolerance=all and errors.deadletterqueue.topic.name on the"
              + " connector.");
    }
    // A new SinkRecord (not the framework's own) makes Connect serialize our headers too.
    SinkRecord record = pending.record;
    Headers headers = record.headers().duplicate();
    headers.addString(ErpSinkConfigKeys.DLQ_HEADER_STATUS, Integer.toString(pending.lastStatus));
    headers.addString(ErpSinkConfigKeys.DLQ_HEADER_ATTEMPTS, Integer.toString(pending.attempts));
    headers.addString(ErpSinkConfigKeys.DLQ_HEADER_RESPONSE, pending.lastResponse);
    headers.addString(ErpSinkConfigKeys.DLQ_HEADER_IDEMPOTENCY_KEY, pending.idempotencyKey);
    headers.addString(ChangeHeaders.ERROR_CLASS, ErpDeliveryException.class.getName());
    headers.addString(ChangeHeaders.ERROR_MESSAGE, oneLine(message, 1024));
    headers.addString(ChangeHeaders.ERROR_TOPIC, record.originalTopic());
    SinkRecord copy =
        new SinkRecord(
            record.originalTopic(),
            record.originalKafkaPartition(),
            record.keySchema(),
            record.key(),
            record.valueSchema(),
            record.value(),
            record.originalKafkaOffset(),
            record.timestamp(),
            record.timestampType(),
            headers);
    errant.report(copy, new ErpDeliveryException(pending.describe() + ": " + message));
  }

  private static String oneLine(String text, int max) {
    String line = text.replaceAll("[\\r\\n]+", " ");
    return line.length() <= max ? line : line.substring(0, max) + "...";
  }
}
