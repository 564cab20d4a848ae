package io.twinlog.operator.status;

import io.twinlog.operator.health.ConnectorHealth;
import io.twinlog.operator.health.Failure;
import io.twinlog.operator.health.RestartDecision;
import java.time.temporal.ChronoUnit;

/**
 * The reason (null when healthy) and one-line detail for one connector, from its health and the
 * restart decision; shared by sources and the sink.
 */
record SourceVerdict(String reason, String detail, int rank) {

  /**
   * The verdict of a source: its connector's, unless the source is distrusted by the dedup runtime,
   * found unfit or unreachable by the source check, or silent while its connector looks fine or
   * less bad (an anomaly ranks 5, a preflight finding 4, silence 2).
   */
  static SourceVerdict of(SourceObservation source) {
    SourceVerdict verdict = of(source.health(), source.decision());
    if (source.seeding() != null && verdict.rank() <= 1) {
      // Held stopped by Twinlog on purpose: say why instead of "connector stopped".
      verdict = new SourceVerdict(source.seeding().reason(), source.seeding().detail(), 1);
    }
    if (source.anomaly() != null && verdict.rank() < 5) {
      verdict = new SourceVerdict(source.anomaly().reason(), source.anomaly().detail(), 5);
    }
    if (source.preflight() != null && verdict.rank() < 4) {
      verdict = new SourceVerdict(source.preflight().reason(), source.preflight().detail(), 4);
    }
    if (source.silence() != null && verdict.rank() < 2) {
      verdict = new SourceVerdict(source.silence().reason(), source.silence().detail(), 2);
    }
    return verdict;
  }

  /** Higher rank = worse; the condition of several sources reports the worst. */
  static SourceVerdict of(ConnectorHealth health, RestartDecision decision) {
    return switch (decision) {
      case RestartDecision.Healthy h -> new SourceVerdict(null, "running", 0);
      case RestartDecision.Unrecoverable u ->
          new SourceVerdict(
              u.failure().kind().reason(),
              u.failure().summary() + ". " + u.failure().kind().action(),
              6);
      case RestartDecision.Exhausted e ->
          new SourceVerdict(
              Reasons.RESTARTS_EXHAUSTED,
              e.failure().summary()
                  + ". Gave up after "
                  + e.history().consecutiveRestarts()
                  + " consecutive restarts (spec.restartPolicy.maxRestarts); fix the cause, then"
                  + " annotate the KafkaConnector with strimzi.io/restart=true.",
              4);
      case RestartDecision.Restart r ->
          new SourceVerdict(
              r.failure().kind().reason(),
              r.failure().summary()
                  + ". Restarted (restart "
                  + r.history().consecutiveRestarts()
                  + " in a row).",
              3);
      case RestartDecision.Wait w -> new SourceVerdict(w.failure().kind().reason(), waiting(w), 3);
      case RestartDecision.NotFailing n -> notFailing(health);
    };
  }

  private static String waiting(RestartDecision.Wait wait) {
    Failure failure = wait.failure();
    if (wait.recheckAt() == null) {
      return failure.summary() + ". Restart requested; waiting for Strimzi to perform it.";
    }
    return failure.summary()
        + ". Next restart not before "
        + wait.recheckAt().truncatedTo(ChronoUnit.SECONDS)
        + " (backoff).";
  }

  private static SourceVerdict notFailing(ConnectorHealth health) {
    return switch (health.state()) {
      case ConnectorHealth.PAUSED -> new SourceVerdict(Reasons.PAUSED, "connector paused", 1);
      case ConnectorHealth.STOPPED -> new SourceVerdict(Reasons.STOPPED, "connector stopped", 1);
      default ->
          new SourceVerdict(
              Reasons.CONNECTOR_NOT_READY,
              health.notReadyMessage() != null
                  ? "not ready: " + health.notReadyMessage()
                  : "connector state " + health.state() + ", waiting for it to run",
              2);
    };
  }
}
