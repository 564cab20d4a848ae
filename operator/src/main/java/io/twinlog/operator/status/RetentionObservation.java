package io.twinlog.operator.status;

import java.util.Map;

/**
 * The last binlog retention check of the source replicas.
 *
 * @param ok true when every replica keeps its binlog long enough, false when one does not, null
 *     when the check could not tell (a replica unreachable)
 * @param retentionByReplica measured retention per replica name, as API durations ("168h")
 * @param worst the shortest retention among the replicas, or null
 * @param message one line for the condition
 */
public record RetentionObservation(
    Boolean ok, Map<String, String> retentionByReplica, String worst, String message) {}
