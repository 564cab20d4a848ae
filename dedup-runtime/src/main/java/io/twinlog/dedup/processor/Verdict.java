package io.twinlog.dedup.processor;

/**
 * What the deduplicator decided about one change: emit it under {@code changeId}, drop it as a
 * duplicate for {@code reason}, hold it until another source tells where it belongs, or send it to
 * the dead-letter topic because emitting it would put an older change of its key after a newer one
 * ({@code reason} then says which).
 */
public record Verdict(Outcome outcome, String changeId, String reason) {
  /** The four things that can happen to a change. */
  public enum Outcome {
    EMIT,
    DROP,
    HOLD,
    DEAD_LETTER
  }

  public boolean emit() {
    return outcome == Outcome.EMIT;
  }

  static Verdict emit(String changeId) {
    return new Verdict(Outcome.EMIT, changeId, null);
  }

  static Verdict drop(String reason) {
    return new Verdict(Outcome.DROP, null, reason);
  }

  static Verdict hold() {
    return new Verdict(Outcome.HOLD, null, "held");
  }

  static Verdict deadLetter(String changeId, String why) {
    return new Verdict(Outcome.DEAD_LETTER, changeId, why);
  }
}
