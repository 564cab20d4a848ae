package io.twinlog.erp;

/** What a response (or its absence) means for the records of a request. */
enum Outcome {
  /** 2xx: acknowledged. */
  ACKNOWLEDGED,
  /** 5xx, 408, 429, timeout or connection error: send again after a backoff. */
  RETRY,
  /** Any other status: the ERP refuses the record; sending it again cannot help. */
  PERMANENT;

  /** Classifies an HTTP status; -1 stands for "no response" (timeout, connection error). */
  static Outcome of(int status) {
    if (status < 0) {
      return RETRY;
    }
    if (status >= 200 && status < 300) {
      return ACKNOWLEDGED;
    }
    if (status >= 500 || status == 408 || status == 429) {
      return RETRY;
    }
    // 1xx/3xx (redirects are not followed) and other 4xx: a configuration or data problem.
    return PERMANENT;
  }
}
