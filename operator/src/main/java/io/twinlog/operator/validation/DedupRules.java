package io.twinlog.operator.validation;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.twinlog.operator.api.v1alpha1.ApiPatterns;
import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.DedupSpec;
import io.twinlog.operator.api.v1alpha1.ReplicaSpec;
import io.twinlog.operator.desired.ResourceNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks of {@code spec.dedup}, including topic names that would collide with the sources'. */
final class DedupRules {
  private DedupRules() {}

  static void check(CdcPipeline pipeline, Problems problems) {
    String at = "spec.dedup";
    DedupSpec dedup = pipeline.getSpec().getDedup();
    problems.duration(at + ".window", dedup.getWindow(), Duration.ofMillis(1));
    problems.duration(at + ".alignHold", dedup.getAlignHold(), Duration.ofMillis(1));
    problems.duration(at + ".commitInterval", dedup.getCommitInterval(), Duration.ofMillis(10));
    problems.range(at + ".instances", dedup.getInstances(), 1, DedupSpec.MAX_INSTANCES);
    problems.range(at + ".partitions", dedup.getPartitions(), 1, DedupSpec.MAX_PARTITIONS);
    boolean prefixOk =
        problems.optionalString(
            at + ".outputTopicPrefix",
            dedup.getOutputTopicPrefix(),
            ApiPatterns.KAFKA_TOPIC,
            DedupSpec.MAX_OUTPUT_TOPIC_PREFIX_LENGTH,
            "a Kafka topic name prefix (letters, digits, '.', '_' and '-')");
    problems.optionalString(at + ".image", dedup.getImage(), "^[^\\s]+$", 512, "an image name");
    quantities(at + ".resources", dedup.getResources(), problems);
    if (prefixOk && namesKnown(pipeline)) {
      collisions(pipeline, problems);
    }
  }

  /**
   * Resource quantities as Kubernetes reads them ({@code 500m}, {@code 1Gi}, {@code 2}); the CRD's
   * int-or-string schema lets anything through, and a bad one would otherwise surface only when the
   * Deployment is written, as a raw API error.
   */
  private static void quantities(String at, ResourceRequirements resources, Problems problems) {
    if (resources == null) {
      return;
    }
    check(at + ".requests", resources.getRequests(), problems);
    check(at + ".limits", resources.getLimits(), problems);
  }

  private static void check(String at, Map<String, Quantity> quantities, Problems problems) {
    if (quantities == null) {
      return;
    }
    quantities.forEach(
        (name, quantity) -> {
          String text = quantity == null ? null : quantity.toString();
          if (text == null || !QUANTITY.matcher(text).matches()) {
            problems.add(
                at + "." + name, "must be a quantity such as 500m, 2 or 1Gi, got '" + text + "'");
          }
        });
  }

  /** Kubernetes' quantity syntax (apimachinery's resource.Quantity). */
  private static final Pattern QUANTITY =
      Pattern.compile(
          "^[+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$");

  /** Debezium writes {@code <topic.prefix>} and {@code <topic.prefix>.<db>.<table>} itself. */
  private static void collisions(CdcPipeline pipeline, Problems problems) {
    String output = ResourceNames.outputTopicPrefix(pipeline);
    String dedupDlq = ResourceNames.dedupDeadLetterTopic(pipeline);
    List<ReplicaSpec> replicas = pipeline.getSpec().getSource().getReplicas();
    for (int i = 0; i < replicas.size(); i++) {
      String name = replicas.get(i).getName();
      if (name == null) {
        continue;
      }
      String source = ResourceNames.sourceTopicPrefix(pipeline, name);
      if (source.equals(output)) {
        problems.add(
            "spec.source.replicas[" + i + "].name",
            "its topic prefix '"
                + source
                + "' equals the output topic prefix; rename the replica or set"
                + " spec.dedup.outputTopicPrefix");
      } else if (source.equals(dedupDlq)
          || source.equals(ResourceNames.sinkDeadLetterTopic(pipeline))) {
        problems.add(
            "spec.source.replicas[" + i + "].name",
            "its topic prefix '" + source + "' equals a dead-letter topic; rename the replica");
      }
    }
    if (output.equals(dedupDlq)) {
      problems.add("spec.dedup.outputTopicPrefix", "must differ from the dead-letter topic");
    }
  }

  private static boolean namesKnown(CdcPipeline pipeline) {
    return pipeline.getMetadata() != null
        && pipeline.getMetadata().getName() != null
        && pipeline.getMetadata().getNamespace() != null
        && pipeline.getSpec().getSource() != null;
  }
}
