package io.twinlog.e2e.erp;

import java.time.Instant;

/**
 * One request the ERP stand-in received, with the answer it gave.
 *
 * @param idempotencyKey the {@code Idempotency-Key} header, or null when absent
 * @param method HTTP method
 * @param body the raw request body (UTF-8 JSON)
 * @param receivedAt wall-clock arrival time (compared with the primary's commit times)
 * @param status the HTTP status the stand-in answered
 */
public record ErpRequest(
    String idempotencyKey, String method, String body, Instant receivedAt, int status) {

  /** Whether the stand-in acknowledged this request (2xx). */
  public boolean accepted() {
    return status >= 200 && status < 300;
  }
}
