package io.twinlog.operator.observe;

import io.twinlog.contracts.ChangeHeaders;
import io.twinlog.contracts.ErpSinkConfigKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What a dead-letter topic held when last read: its committed records since the start of its
 * retention, and the newest one's time and error.
 *
 * @param count records read
 * @param lastAt the newest record's timestamp, null when none
 * @param lastError the newest record's error, one line of at most {@link #MAX_ERROR} characters
 */
public record DeadLetterReading(long count, Instant lastAt, String lastError) {

  /** Longest error kept: a status line, not the ERP's whole answer. */
  public static final int MAX_ERROR = 300;

  /** Kafka Connect's own dead-letter headers ({@code errors.deadletterqueue.context.headers}). */
  static final String CONNECT_EXCEPTION_CLASS = "__connect.errors.exception.class.name";

  static final String CONNECT_EXCEPTION_MESSAGE = "__connect.errors.exception.message";

  /** A topic with nothing on it yet. */
  public static DeadLetterReading none() {
    return new DeadLetterReading(0, null, null);
  }

  /** This reading with one more record, the newest. */
  DeadLetterReading plus(Instant at, Headers headers) {
    return new DeadLetterReading(count + 1, at, error(headers));
  }

  /**
   * The error a dead letter carries, whoever wrote it: the ERP sink ({@code ERP answered 400:
   * <answer>}), the dedup runtime ({@code <class>: <message>}) or Connect's own dead-letter queue.
   */
  static String error(Headers headers) {
    String status = text(headers, ErpSinkConfigKeys.DLQ_HEADER_STATUS);
    String text;
    // -1: no answer at all (timeouts, refused connections until the retries ran out); the error
    // message then says what happened
    if (status != null && !status.startsWith("-")) {
      String answer = text(headers, ErpSinkConfigKeys.DLQ_HEADER_RESPONSE);
      text = "ERP answered " + status + (answer == null || answer.isBlank() ? "" : ": " + answer);
    } else if (text(headers, ChangeHeaders.ERROR_CLASS) != null) {
      text =
          joined(
              text(headers, ChangeHeaders.ERROR_CLASS), text(headers, ChangeHeaders.ERROR_MESSAGE));
    } else if (text(headers, CONNECT_EXCEPTION_CLASS) != null) {
      text =
          joined(text(headers, CONNECT_EXCEPTION_CLASS), text(headers, CONNECT_EXCEPTION_MESSAGE));
    } else {
      text = "no error header";
    }
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= MAX_ERROR ? line : line.substring(0, MAX_ERROR - 3) + "...";
  }

  private static String joined(String kind, String message) {
    String simple = kind.substring(kind.lastIndexOf('.') + 1);
    return message == null ? simple : simple + ": " + message;
  }

  private static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
