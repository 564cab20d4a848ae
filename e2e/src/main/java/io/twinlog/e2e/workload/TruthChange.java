package io.twinlog.e2e.workload;

import java.time.Instant;
import java.util.Map;

/**
 * One row change as the primary committed it.
 *
 * @param key the row
 * @param op Debezium's op letter: {@code c}, {@code u} or {@code d}
 * @param after the row after the change (column -> string value), null for a delete
 * @param gtidHint a human hint for reports (operation number in the workload), not compared
 * @param committedAt when the primary's commit returned to the workload
 */
public record TruthChange(
    RowKey key, String op, Map<String, String> after, long gtidHint, Instant committedAt) {}
