package io.twinlog.contracts;

/**
 * Headers the dedup runtime stamps on every deduplicated record, read by the ERP sink and by
 * anything else downstream.
 */
public final class ChangeHeaders {
  private ChangeHeaders() {}

  /**
   * The change's replica-independent identity (UTF-8 string). Identical for the same change read
   * through any replica and across source restarts, so the ERP sink uses it as its idempotency key.
   */
  public static final String CHANGE_ID = "twinlog.change.id";

  /** Name of the source (replica) whose copy of the change was emitted (UTF-8 string). */
  public static final String SOURCE = "twinlog.source";

  /** Dead-letter headers: why a record could not be processed (UTF-8 strings). */
  public static final String ERROR_CLASS = "twinlog.error.class";

  /** Dead-letter header: the error message, one line. */
  public static final String ERROR_MESSAGE = "twinlog.error.message";

  /** Dead-letter header: the topic the record came from. */
  public static final String ERROR_TOPIC = "twinlog.error.topic";
}
