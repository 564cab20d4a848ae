package io.twinlog.operator.status;

import io.twinlog.operator.api.v1alpha1.PipelineState;
import java.util.List;

/**
 * Everything the status is computed from, besides the previous status.
 *
 * @param sink null when the pipeline has no sink
 * @param retention null when no retention check has completed
 * @param connectFallback null when connector health came from Connect's REST API (or nothing is
 *     known yet); else why it came from Strimzi's KafkaConnector status instead
 * @param missingSecrets the referenced Secrets that do not exist, by the part that reads them
 * @param heartbeatsUnread null while the pipeline's Kafka cluster is read for heartbeats, anomalies
 *     and dead letters; else why it cannot be (stall and silence detection are off meanwhile)
 */
public record Observation(
    long generation,
    PipelineState state,
    List<SourceObservation> sources,
    DedupObservation dedup,
    SinkObservation sink,
    RetentionObservation retention,
    String connectFallback,
    MissingSecrets missingSecrets,
    String heartbeatsUnread) {

  /** An observation that found every referenced Secret (or did not look). */
  public Observation(
      long generation,
      PipelineState state,
      List<SourceObservation> sources,
      DedupObservation dedup,
      SinkObservation sink,
      RetentionObservation retention,
      String connectFallback) {
    this(
        generation,
        state,
        sources,
        dedup,
        sink,
        retention,
        connectFallback,
        MissingSecrets.none(),
        null);
  }

  /** The same observation, with the referenced Secrets that do not exist. */
  public Observation withMissingSecrets(MissingSecrets missing) {
    return new Observation(
        generation,
        state,
        sources,
        dedup,
        sink,
        retention,
        connectFallback,
        missing,
        heartbeatsUnread);
  }

  /** An observation without a Connect REST fallback note. */
  public Observation(
      long generation,
      PipelineState state,
      List<SourceObservation> sources,
      DedupObservation dedup,
      SinkObservation sink,
      RetentionObservation retention) {
    this(generation, state, sources, dedup, sink, retention, null);
  }
}
