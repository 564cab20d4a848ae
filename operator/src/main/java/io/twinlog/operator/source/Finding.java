package io.twinlog.operator.source;

import java.util.Objects;

/** One thing a source check found, with a message a DBA can act on. */
public record Finding(FindingReason reason, Severity severity, String message) {

  public Finding {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  static Finding error(FindingReason reason, String message) {
    return new Finding(reason, Severity.ERROR, message);
  }

  static Finding warning(FindingReason reason, String message) {
    return new Finding(reason, Severity.WARNING, message);
  }

  static Finding info(FindingReason reason, String message) {
    return new Finding(reason, Severity.INFO, message);
  }
}
