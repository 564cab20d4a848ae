package io.twinlog.operator.status;

/**
 * A reason a source counts as unhealthy although Connect reports it running.
 *
 * @param reason the condition reason (one of {@link Reasons})
 * @param detail one line for the condition message and the source's status
 */
public record SourceProblem(String reason, String detail) {}
