package io.twinlog.webhook.auth;

/**
 * Why a request was not authenticated. The {@link #tag()} labels the signature-failure metric; the
 * {@link #message()} goes back to the caller (it names headers, never a value).
 */
public enum AuthFailure {
  MISSING_SIGNATURE("missing", "missing signature header"),
  BAD_SIGNATURE("mismatch", "signature does not match the body"),
  MISSING_TIMESTAMP("missing_timestamp", "missing or unreadable timestamp header"),
  REPLAYED_TIMESTAMP("replay_window", "timestamp outside the replay window"),
  MISSING_TOKEN("missing", "missing bearer token"),
  BAD_TOKEN("mismatch", "bearer token does not match");

  private final String tag;
  private final String message;

  AuthFailure(String tag, String message) {
    this.tag = tag;
    this.message = message;
  }

  public String tag() {
    return tag;
  }

  public String message() {
    return message;
  }
}
