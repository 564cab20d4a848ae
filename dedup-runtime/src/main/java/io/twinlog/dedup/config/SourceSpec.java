package io.twinlog.dedup.config;

/**
 * One replica's Debezium connector as the dedup runtime sees it: a name for metrics and headers,
 * and the connector's {@code topic.prefix}.
 */
public record SourceSpec(String name, String topicPrefix) {}
