package io.twinlog.dedup.topology;

import io.twinlog.dedup.topology.TopicNames.InputTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks that every source's topic of a table has the same partition count. The copies of a change
 * only meet in one task if they sit in the same partition, which Debezium's default partitioner
 * (hash of the key bytes modulo the partition count) gives only when the counts agree.
 */
public final class CoPartitioning {
  private CoPartitioning() {}

  /** Problems found among existing topics (name to partition count); empty when consistent. */
  public static List<String> problems(TopicNames names, Map<String, Integer> partitionsByTopic) {
    Map<String, Map<String, Integer>> byTable = new TreeMap<>();
    partitionsByTopic.forEach(
        (topic, partitions) -> {
          InputTopic input = names.parse(topic);
          if (input != null) {
            byTable
                .computeIfAbsent(input.table(), t -> new TreeMap<>())
                .put(input.source().name() + " (" + topic + ")", partitions);
          }
        });
    List<String> problems = new ArrayList<>();
    byTable.forEach(
        (table, counts) -> {
          if (counts.values().stream().distinct().count() > 1) {
            problems.add(
                "table "
                    + table
                    + ": source topics have different partition counts "
                    + counts
                    + "; copies of a change would land in different partitions and never meet."
                    + " Give every source topic of a table the same partition count.");
          }
        });
    return problems;
  }
}
