package io.twinlog.dedup.serde;

/** A record the runtime cannot interpret as a Debezium change event; it goes to dead letters. */
public class BadRecordException extends Exception {
  public BadRecordException(String message) {
    super(message);
  }

  public BadRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
