package io.twinlog.operator.health;

import java.util.List;
import java.util.Locale;

/** Classifies a Kafka Connect failure trace into a {@link FailureKind}, as a pure function. */
public final class FailureClassifier {

  private record Signature(String fragment, FailureKind kind) {}

  // Lower-case fragments of messages that restarting cannot fix, from MariaDB, MySQL, PostgreSQL
  // and Debezium.
  private static final List<Signature> UNRECOVERABLE =
      List.of(
          new Signature(
              "could not find gtid state requested by slave in any binlog files",
              FailureKind.BINLOG_POSITION_PURGED),
          new Signature(
              "the master has purged binary logs containing gtids that the slave requires",
              FailureKind.BINLOG_POSITION_PURGED),
          new Signature(
              "the source has purged binary logs containing gtids that the replica requires",
              FailureKind.BINLOG_POSITION_PURGED),
          new Signature(
              "could not find first log file name in binary log index file",
              FailureKind.BINLOG_POSITION_PURGED),
          new Signature("is no longer available on the server", FailureKind.BINLOG_POSITION_PURGED),
          new Signature("db history topic is missing", FailureKind.SCHEMA_HISTORY_MISSING),
          new Signature(
              "db history topic or its content is fully or partially missing",
              FailureKind.SCHEMA_HISTORY_MISSING),
          new Signature("schema history topic is missing", FailureKind.SCHEMA_HISTORY_MISSING),
          // Debezium 3.5's binlog reader, on a row of another column count than its history says.
          new Signature("internal schema size", FailureKind.SCHEMA_HISTORY_MISMATCH),
          // PostgreSQL 16+ (SQLSTATE 55000) on START_REPLICATION from an invalidated slot.
          new Signature("can no longer get changes from replication slot", FailureKind.SLOT_LOST),
          new Signature("this slot has been invalidated", FailureKind.SLOT_LOST));

  private FailureClassifier() {}

  /** The kind of failure a trace shows; {@link FailureKind#RESTARTABLE} when none is known. */
  public static FailureKind classify(String trace) {
    if (trace == null || trace.isBlank()) {
      return FailureKind.RESTARTABLE;
    }
    String lower = trace.toLowerCase(Locale.ROOT);
    for (Signature signature : UNRECOVERABLE) {
      if (lower.contains(signature.fragment())) {
        return signature.kind();
      }
    }
    return FailureKind.RESTARTABLE;
  }

  /**
   * One line that says what went wrong: the line naming a known unrecoverable cause, else the
   * deepest {@code Caused by:}, else the first line; at most 300 characters.
   */
  public static String summarize(String trace) {
    if (trace == null || trace.isBlank()) {
      return "";
    }
    List<String> lines = trace.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String chosen = null;
    for (String line : lines) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (UNRECOVERABLE.stream().anyMatch(s -> lower.contains(s.fragment()))) {
        chosen = line;
        break;
      }
    }
    if (chosen == null) {
      chosen =
          lines.stream()
              .filter(l -> l.startsWith("Caused by:"))
              .reduce((first, second) -> second)
              .orElse(lines.get(0));
    }
    if (chosen.startsWith("Caused by:")) {
      chosen = chosen.substring("Caused by:".length()).strip();
    }
    return chosen.length() <= 300 ? chosen : chosen.substring(0, 297) + "...";
  }
}
