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
 * @param facts what was read; null when the server could not be reached or queried
 */
public record SourceCheckResult(
    String replicaName, Instant checkedAt, List<Finding> findings, SourceFacts facts) {

  public SourceCheckResult {
    Objects.requireNonNull(replicaName, "replicaName");
    Objects.requireNonNull(checkedAt, "checkedAt");
    findings = List.copyOf(findings);
  }

  /** True when nothing stops CDC from this replica (retention warnings do not count). */
  public boolean healthy() {
    return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
  }

  /**
   * True when the retention was read and is long enough (or was raised); false when too short,
   * size-limited or unknown, including when the server could not be reached.
   */
  public boolean retentionOk() {
    return facts != null
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
