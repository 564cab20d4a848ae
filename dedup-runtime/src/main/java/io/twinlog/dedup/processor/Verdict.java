package io.twinlog.dedup.processor;

/**
 * What the deduplicator decided about one change: emit it under {@code changeId}, or drop it as a
 * duplicate for {@code reason}.
 */
public record Verdict(boolean emit, String changeId, String reason) {
  static Verdict emit(String changeId) {
    return new Verdict(true, changeId, null);
  }

  static Verdict drop(String reason) {
    return new Verdict(false, null, reason);
  }
}
