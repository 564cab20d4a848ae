package io.twinlog.webhook.auth;

/**
 * Why a request was not authenticated. The {@link #status()} is the answer: 401 for a signature or
 * token, counted by the signature-failure metric, 403 for a client certificate the TLS handshake
 * verified but that is not let in, counted by the client-certificate-failure metric. The {@link
 * #tag()} labels the metric; the {@link #message()} goes back to the caller (it names headers,
 * never a value).
 */
public enum AuthFailure {
  MISSING_SIGNATURE("missing", 401, "missing signature header"),
  BAD_SIGNATURE("mismatch", 401, "signature does not match the body"),
  MISSING_TIMESTAMP("missing_timestamp", 401, "missing or unreadable timestamp header"),
  REPLAYED_TIMESTAMP("replay_window", 401, "timestamp outside the replay window"),
  MISSING_TOKEN("missing", 401, "missing bearer token"),
  BAD_TOKEN("mismatch", 401, "bearer token does not match"),
  SUBJECT_NOT_ALLOWED(
      "subject_not_allowed", 403, "client certificate subject is not in the allowed list"),
  UNTRUSTED_CERTIFICATE(
      "untrusted", 403, "client certificate not signed by the current client CA; reconnect"),
  MISSING_CERTIFICATE("missing_certificate", 403, "client certificate required");

  private final String tag;
  private final int status;
  private final String message;

  AuthFailure(String tag, int status, String message) {
    this.tag = tag;
    this.status = status;
    this.message = message;
  }

  /** The HTTP status the request is answered with. */
  public int status() {
    return status;
  }

  public String tag() {
    return tag;
  }

  public String message() {
    return message;
  }
}
