package io.twinlog.operator.status;

import io.twinlog.operator.api.v1alpha1.PipelineState;
import java.util.List;

/**
 * Everything the status is computed from, besides the previous status.
 *
 * @param sink null when the pipeline has no sink
 * @param retention null when no retention check has completed
 */
public record Observation(
    long generation,
    PipelineState state,
    List<SourceObservation> sources,
    DedupObservation dedup,
    SinkObservation sink,
    RetentionObservation retention) {}
