package io.twinlog.operator.reconciler;

import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.Condition;
import io.twinlog.operator.api.v1alpha1.DeadLetterStatus;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import io.twinlog.operator.status.ConditionTypes;
import io.twinlog.operator.status.Conditions;
import io.twinlog.operator.status.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Events a status change calls for, decided from the previous status and the next one alone
 * (pure), so each is told once per transition and not on every resync: the act step records them.
 */
final class StatusAnnouncements {
  private StatusAnnouncements() {}

  /** Every Event the move from {@code previous} to {@code next} calls for. */
  static List<Announcement> of(CdcPipelineStatus previous, CdcPipelineStatus next) {
    List<Announcement> all = new ArrayList<>(sourcesChanged(previous, next));
    secretMissing(previous, next).ifPresent(all::add);
    all.addAll(retention(previous, next));
    all.addAll(deadLetters(previous, next));
    return all;
  }

  /**
   * A Normal Event per replica that joined or left a running pipeline's sources (a new pipeline's
   * first sources are not news), so the history of a replica move reads in {@code kubectl get
   * events}: the added source's start follows in its own Events
   * (docs/concepts/consistent-start.md).
   */
  static List<Announcement> sourcesChanged(CdcPipelineStatus previous, CdcPipelineStatus next) {
    List<String> before = sourceNames(previous);
    List<String> now = sourceNames(next);
    if (before.isEmpty() || now.isEmpty()) {
      return List.of();
    }
    List<Announcement> told = new ArrayList<>();
    now.stream()
        .filter(name -> !before.contains(name))
        .forEach(
            name ->
                told.add(
                    Announcement.normal(
                        Reasons.SOURCE_ADDED,
                        name
                            + " joined spec.source.replicas: its connector is created and the"
                            + " dedup runtime reads it too ("
                            + now.size()
                            + " sources)")));
    before.stream()
        .filter(name -> !now.contains(name))
        .forEach(
            name ->
                told.add(
                    Announcement.normal(
                        Reasons.SOURCE_REMOVED,
                        name
                            + " left spec.source.replicas: its connector is deleted and the dedup"
                            + " runtime reads the other "
                            + now.size()
                            + " source(s)")));
    return told;
  }

  private static List<String> sourceNames(CdcPipelineStatus status) {
    return status == null || status.getSources() == null
        ? List.of()
        : status.getSources().stream().map(SourceStatus::getName).toList();
  }

  /** A Warning Event, once per distinct invalid spec. */
  static Optional<Announcement> invalid(CdcPipelineStatus previous, String message) {
    boolean told =
        ready(previous)
            .filter(c -> Reasons.INVALID_SPEC.equals(c.getReason()))
            .map(Condition::getMessage)
            .filter(message::equals)
            .isPresent();
    return told
        ? Optional.empty()
        : Optional.of(Announcement.warning(Reasons.INVALID_SPEC, message));
  }

  /** A Warning Event when Ready turns to SecretMissing, or names other Secrets than before. */
  static Optional<Announcement> secretMissing(CdcPipelineStatus previous, CdcPipelineStatus next) {
    Condition now = ready(next).orElse(null);
    if (now == null || !Reasons.SECRET_MISSING.equals(now.getReason())) {
      return Optional.empty();
    }
    Condition before = ready(previous).orElse(null);
    boolean told =
        before != null
            && Reasons.SECRET_MISSING.equals(before.getReason())
            && Objects.equals(before.getMessage(), now.getMessage());
    return told
        ? Optional.empty()
        : Optional.of(Announcement.warning(Reasons.SECRET_MISSING, now.getMessage()));
  }

  /**
   * A Warning Event when binlog retention turns too short, or a PostgreSQL slot is lost or at risk
   * (once per transition, and again when the reason changes: SlotAtRisk, then SlotLost).
   */
  static List<Announcement> retention(CdcPipelineStatus previous, CdcPipelineStatus next) {
    List<Announcement> told = new ArrayList<>();
    for (String type :
        List.of(ConditionTypes.BINLOG_RETENTION_OK, ConditionTypes.WAL_RETENTION_OK)) {
      Condition now = Conditions.find(next.getConditions(), type).orElse(null);
      Condition before =
          Conditions.find(previous == null ? null : previous.getConditions(), type).orElse(null);
      boolean same =
          before != null
              && "False".equals(before.getStatus())
              && Objects.equals(before.getReason(), now == null ? null : now.getReason());
      if (now != null && "False".equals(now.getStatus()) && !same) {
        told.add(Announcement.warning(now.getReason(), now.getMessage()));
      }
    }
    return told;
  }

  /**
   * A Warning Event when a dead-letter topic has more records than the previous status said: each
   * is a change that did not reach the ERP, and nothing else in the status turns red for it.
   */
  static List<Announcement> deadLetters(CdcPipelineStatus previous, CdcPipelineStatus next) {
    List<Announcement> told = new ArrayList<>();
    deadLetters(
            "the dedup runtime",
            previous == null || previous.getDedup() == null
                ? null
                : previous.getDedup().getDeadLetters(),
            next.getDedup() == null ? null : next.getDedup().getDeadLetters())
        .ifPresent(told::add);
    deadLetters(
            "the sink",
            previous == null || previous.getSink() == null
                ? null
                : previous.getSink().getDeadLetters(),
            next.getSink() == null ? null : next.getSink().getDeadLetters())
        .ifPresent(told::add);
    return told;
  }

  private static Optional<Announcement> deadLetters(
      String part, DeadLetterStatus before, DeadLetterStatus now) {
    long was = before == null || before.getCount() == null ? 0 : before.getCount();
    if (now == null || now.getCount() == null || now.getCount() <= was) {
      return Optional.empty();
    }
    return Optional.of(
        Announcement.warning(
            Reasons.DEAD_LETTERED,
            (now.getCount() - was)
                + " new dead letter(s) from "
                + part
                + " on "
                + now.getTopic()
                + " ("
                + now.getCount()
                + " in all); the newest at "
                + now.getLastTime()
                + ": "
                + now.getLastError()));
  }

  private static Optional<Condition> ready(CdcPipelineStatus status) {
    return Conditions.find(status == null ? null : status.getConditions(), ConditionTypes.READY);
  }
}
