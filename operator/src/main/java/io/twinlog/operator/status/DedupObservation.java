package io.twinlog.operator.status;

/** Ready and desired instances of the dedup runtime's Deployment. */
public record DedupObservation(int readyInstances, int desiredInstances) {}
