package io.twinlog.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * An Event the decide step wants recorded: decided by pure functions (whether it was told before is
 * read from the previous status), recorded by the act step.
 *
 * @param warning a Warning Event when true, else a Normal one
 */
record Announcement(boolean warning, String reason, String message) {

  static Announcement warning(String reason, String message) {
    return new Announcement(true, reason, message);
  }

  static Announcement normal(String reason, String message) {
    return new Announcement(false, reason, message);
  }

  /** Records it as an Event about {@code about}. */
  void recordOn(EventRecorder events, HasMetadata about) {
    if (warning) {
      events.warning(about, reason, message);
    } else {
      events.normal(about, reason, message);
    }
  }
}
