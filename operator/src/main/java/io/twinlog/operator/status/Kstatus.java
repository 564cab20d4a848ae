package io.twinlog.operator.status;

import io.twinlog.operator.api.v1alpha1.Condition;
import java.util.List;
import java.util.Set;

/**
 * The {@code Reconciling} and {@code Stalled} conditions that kstatus (Flux, kpt, cli-utils) reads,
 * derived from {@code Ready} and the condition behind it. Both are abnormal-true: True only while
 * the pipeline is coming up ({@code Reconciling}) or broken in a way that waiting does not fix
 * ({@code Stalled}); False otherwise, so kstatus reports a delivering or a paused pipeline Current.
 * The Argo CD health check (gitops/argocd/health.lua) reads these two conditions, so both tools
 * tell the same story.
 */
public final class Kstatus {
  private Kstatus() {}

  private static final String TRUE = "True";
  private static final String FALSE = "False";

  /** Reasons of a sub-condition that mean "not there yet" rather than "broken". */
  private static final Set<String> STARTING =
      Set.of(Reasons.CONNECTOR_NOT_READY, Reasons.DEDUP_NOT_READY);

  /** Reconciling and Stalled for this {@code ready} and the other conditions of the status. */
  public static List<Condition> conditions(Condition ready, List<Condition> others) {
    long generation = ready.getObservedGeneration() == null ? 0 : ready.getObservedGeneration();
    String reason = ready.getReason();
    if (TRUE.equals(ready.getStatus())
        || Reasons.PAUSED.equals(reason)
        || Reasons.STOPPED.equals(reason)) {
      return pair(
          FALSE,
          FALSE,
          reason,
          "Nothing to wait for: " + ready.getMessage(),
          ready.getMessage(),
          generation);
    }
    Condition cause = Conditions.find(others, causeOf(reason)).orElse(null);
    boolean failing = cause != null && FALSE.equals(cause.getStatus());
    if (failing && STARTING.contains(cause.getReason())) {
      return pair(
          TRUE,
          FALSE,
          cause.getReason(),
          ready.getMessage(),
          "Starting: " + ready.getMessage(),
          generation);
    }
    // Everything else stops delivery until a human or a recovering dependency fixes it: an invalid
    // spec, a failed apply, connectors that fail or cannot resume. Fail fast, do not wait it out.
    String because = failing ? reason + " (" + cause.getReason() + ")" : reason;
    return pair(
        FALSE,
        TRUE,
        reason,
        "Not progressing: " + ready.getMessage(),
        because + ": " + ready.getMessage(),
        generation);
  }

  private static List<Condition> pair(
      String reconciling,
      String stalled,
      String reason,
      String reconcilingMessage,
      String stalledMessage,
      long generation) {
    return List.of(
        Conditions.of(
            ConditionTypes.RECONCILING, reconciling, reason, reconcilingMessage, generation),
        Conditions.of(ConditionTypes.STALLED, stalled, reason, stalledMessage, generation));
  }

  /** The condition whose reason tells starting from failing, for a Ready=False reason. */
  private static String causeOf(String readyReason) {
    if (Reasons.NO_HEALTHY_SOURCE.equals(readyReason)) {
      return ConditionTypes.SOURCES_HEALTHY;
    }
    if (Reasons.DEDUP_NOT_READY.equals(readyReason)) {
      return ConditionTypes.DEDUP_READY;
    }
    if (Reasons.SINK_NOT_READY.equals(readyReason)) {
      return ConditionTypes.SINK_READY;
    }
    return "";
  }
}
