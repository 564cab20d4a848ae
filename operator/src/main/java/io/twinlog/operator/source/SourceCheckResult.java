package io.twinlog.operator.source;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking one replica.
 *
 * @param facts what was read from a MySQL or MariaDB server; null when the server could not be
 *     reached or queried, and for PostgreSQL
 * @param postgres what was read from a PostgreSQL server; null otherwise
 */
public record SourceCheckResult(
    String replicaName,
    Instant checkedAt,
    List<Finding> findings,
    SourceFacts facts,
    PostgresFacts postgres) {

  public SourceCheckResult {
    Objects.requireNonNull(replicaName, "replicaName");
    Objects.requireNonNull(checkedAt, "checkedAt");
    findings = List.copyOf(findings);
  }

  /** The result of a MySQL or MariaDB check. */
  public SourceCheckResult(
      String replicaName, Instant checkedAt, List<Finding> findings, SourceFacts facts) {
    this(replicaName, checkedAt, findings, facts, null);
  }

  /** True when nothing stops CDC from this replica (retention warnings do not count). */
  public boolean healthy() {
    return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
  }

  /**
   * True when the retention was read and is long enough (or was raised); false when too short,
   * size-limited or unknown, including when the server could not be reached. For PostgreSQL: the
   * slot is neither lost nor at risk, nor its standby set up so that it will be.
   */
  public boolean retentionOk() {
    return (facts != null || postgres != null)
        && findings.stream()
            .noneMatch(f -> f.reason().isRetention() && f.severity() != Severity.INFO);
  }

  /** The most severe finding, errors before warnings, in evaluation order. */
  public Optional<Finding> worst() {
    return findings.stream()
        .filter(f -> f.severity() != Severity.INFO)
        .min(Comparator.comparing(Finding::severity));
  }

  /** The reason of {@link #worst()}, or OK. */
  public FindingReason reason() {
    return worst().map(Finding::reason).orElse(FindingReason.OK);
  }

  /** The findings for the {@code SourcesHealthy} condition. */
  public List<Finding> sourceFindings() {
    return findings.stream().filter(f -> !f.reason().isRetention()).toList();
  }

  /**
   * PostgreSQL: bytes of WAL the pipeline's slot holds back on the server; empty without facts or
   * slot.
   */
  public Optional<Long> retainedWalBytes() {
    return postgres == null ? Optional.empty() : postgres.retainedWalBytes();
  }

  /** PostgreSQL: the slot's {@code wal_status}; empty without facts or slot. */
  public Optional<String> walStatus() {
    return postgres == null ? Optional.empty() : postgres.walStatus();
  }

  /** The findings for the {@code BinlogRetentionOk} condition. */
  public List<Finding> retentionFindings() {
    return findings.stream().filter(f -> f.reason().isRetention()).toList();
  }

  /** The measured retention; empty when unknown, {@link Duration#ZERO} when unlimited. */
  public Optional<Duration> retention() {
    return facts == null ? Optional.empty() : facts.retention();
  }

  /**
   * The shortest measured retention of {@code results}, for the Retention printer column; an
   * unlimited retention counts as longer than any other, so {@link Duration#ZERO} means every
   * measured replica keeps binlogs forever. Empty when none was measured.
   */
  public static Optional<Duration> shortestRetention(
      java.util.Collection<SourceCheckResult> results) {
    return results.stream()
        .map(SourceCheckResult::retention)
        .flatMap(Optional::stream)
        .min(
            Comparator.comparing(
                (Duration d) -> d.isZero() ? Duration.ofSeconds(Long.MAX_VALUE) : d));
  }

  /** {@code 72h}, {@code 90m}, or {@code unlimited} for {@link Duration#ZERO}. */
  public static String retentionLabel(Duration retention) {
    return retention.isZero() ? "unlimited" : SourceRules.human(retention);
  }

  /** Whether any finding has {@code reason}. */
  public boolean has(FindingReason reason) {
    return findings.stream().anyMatch(f -> f.reason() == reason);
  }

  /** The first finding with {@code reason}. */
  public Optional<Finding> find(FindingReason reason) {
    return findings.stream().filter(f -> f.reason() == reason).findFirst();
  }
}
