package io.twinlog.contracts;

/**
 * Names of the topics Debezium writes besides a table's changes, which the operator (stall
 * detection, ACLs) and the dedup runtime (heartbeat metrics) both read: one definition, so the two
 * cannot drift apart.
 */
public final class DebeziumTopics {
  private DebeziumTopics() {}

  /**
   * Debezium's {@code topic.heartbeat.prefix} default, which Twinlog's connectors keep, with the
   * dot that separates it from the connector's {@code topic.prefix}.
   */
  public static final String HEARTBEAT_PREFIX = "__debezium-heartbeat.";

  /** The heartbeat topic Debezium writes for a {@code topic.prefix}. */
  public static String heartbeatTopic(String topicPrefix) {
    return HEARTBEAT_PREFIX + topicPrefix;
  }
}
