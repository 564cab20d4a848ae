package io.twinlog.operator.status;

import io.twinlog.operator.api.v1alpha1.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Builds conditions and keeps {@code lastTransitionTime} where the status did not change. */
public final class Conditions {
  private Conditions() {}

  /** A condition without a transition time; {@link #merge} sets it. */
  public static Condition of(
      String type, String status, String reason, String message, long generation) {
    return new Condition()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation);
  }

  /** The condition of a type, if present. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * The next conditions: each keeps the previous {@code lastTransitionTime} of its type when its
   * {@code status} is unchanged, and gets {@code now} when it changed or is new.
   */
  public static List<Condition> merge(List<Condition> previous, List<Condition> next, Instant now) {
    List<Condition> merged = new ArrayList<>(next.size());
    for (Condition condition : next) {
      String transition =
          find(previous, condition.getType())
              .filter(p -> Objects.equals(p.getStatus(), condition.getStatus()))
              .map(Condition::getLastTransitionTime)
              .filter(Objects::nonNull)
              .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
      merged.add(
          of(
                  condition.getType(),
                  condition.getStatus(),
                  condition.getReason(),
                  condition.getMessage(),
                  condition.getObservedGeneration())
              .withLastTransitionTime(transition));
    }
    return merged;
  }
}
