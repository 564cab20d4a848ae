package io.twinlog.helm;

import io.twinlog.operator.api.v1alpha1.CdcPipeline;
import io.twinlog.operator.api.v1alpha1.Condition;
import java.util.List;
import java.util.Objects;

/**
 * What kstatus (sigs.k8s.io/cli-utils, used by Flux's health checks) makes of a CdcPipeline by its
 * generic rules: an unobserved generation or {@code Reconciling=True} is InProgress, {@code
 * Stalled=True} is Failed, anything else Current.
 */
final class KstatusReading {
  private KstatusReading() {}

  static String of(CdcPipeline pipeline) {
    if (pipeline.getStatus() == null) {
      return "InProgress";
    }
    Long observed = pipeline.getStatus().getObservedGeneration();
    if (observed != null && !Objects.equals(observed, pipeline.getMetadata().getGeneration())) {
      return "InProgress";
    }
    List<Condition> conditions = pipeline.getStatus().getConditions();
    if (isTrue(conditions, "Reconciling")) {
      return "InProgress";
    }
    if (isTrue(conditions, "Stalled")) {
      return "Failed";
    }
    return "Current";
  }

  private static boolean isTrue(List<Condition> conditions, String type) {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
